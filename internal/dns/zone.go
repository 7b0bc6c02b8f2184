package dns

import (
	"strings"

	"github.com/aksnet/aksnet/internal/model"
)

// zoneData is an authoritative zone's records by owner name, ready to
// answer: a zone's declared records plus those the platform adds (a private
// endpoint's zone group, auto-registration).
type zoneData struct {
	name   string
	owners map[string]map[Type][]RR
	// nonTerminal holds names that own nothing but have descendants: they
	// exist (NODATA, not NXDOMAIN).
	nonTerminal map[string]bool
	soa         SOA
	src         map[string]model.Location // where each owner's first record was declared
}

func newZoneData(name string) *zoneData {
	return &zoneData{
		name:        name,
		owners:      map[string]map[Type][]RR{},
		nonTerminal: map[string]bool{},
		src:         map[string]model.Location{},
		soa: SOA{Zone: name, MName: "azureprivatedns.net", RName: "azureprivatedns-host.microsoft.com",
			Serial: 1, Refresh: 3600, Retry: 300, Expire: 2419200, MinTTL: 10},
	}
}

// add puts a record in the zone unless the owner already has records of
// that type (declared records are added first and win).
func (z *zoneData) add(owner string, t Type, ttl uint32, data []model.RData, at model.Location) bool {
	m := z.owners[owner]
	if m == nil {
		m = map[Type][]RR{}
		z.owners[owner] = m
		z.src[owner] = at
		for p := owner; p != z.name; {
			i := strings.IndexByte(p, '.')
			if i < 0 {
				break
			}
			p = p[i+1:]
			if p == z.name {
				break
			}
			z.nonTerminal[p] = true
		}
	}
	if len(m[t]) > 0 {
		return false
	}
	rrs := make([]RR, len(data))
	for i, d := range data {
		rrs[i] = RR{Name: owner, Type: t, TTL: ttl, Data: d}
	}
	m[t] = rrs
	return true
}

// addZone adds a model zone's declared records.
func (z *zoneData) addZone(mz *model.Zone, defaultTTL uint32) {
	for _, r := range mz.Records {
		ttl := defaultTTL
		if r.TTL > 0 {
			ttl = uint32(r.TTL)
		}
		z.add(r.FQDN(z.name), r.Type, ttl, r.Data, r.Loc)
	}
}

// lookupResult is what an authoritative zone says of a name.
type lookupResult int

const (
	found    lookupResult = iota // records of the type
	cname                        // a CNAME at the name (answer holds it)
	noData                       // the name exists, not the type
	noDomain                     // the name does not exist in the zone
)

// lookup answers a name inside the zone.
func (z *zoneData) lookup(name string, t Type) (lookupResult, []RR, model.Location) {
	m := z.owners[name]
	if m == nil {
		if z.nonTerminal[name] || name == z.name {
			return noData, nil, model.Location{}
		}
		return noDomain, nil, model.Location{}
	}
	if rrs := m[t]; len(rrs) > 0 {
		return found, rrs, z.src[name]
	}
	if rrs := m[model.TypeCNAME]; len(rrs) > 0 {
		return cname, rrs, z.src[name]
	}
	return noData, nil, z.src[name]
}

// inZone reports whether name is the zone's apex or below it.
func inZone(name, zone string) bool {
	if zone == "" {
		return true
	}
	return name == zone || len(name) > len(zone) && name[len(name)-len(zone)-1] == '.' && strings.HasSuffix(name, zone)
}
