package model

import (
	"fmt"
	"net/netip"
	"strings"
)

// OnPrem holds the on-premises sites.
type OnPrem struct {
	Sites []*Site `yaml:"sites,omitempty" jsonschema_description:"On-premises networks with their hosts."`
}

// Site is an on-premises network.
type Site struct {
	Name         string         `yaml:"name" jsonschema:"required" jsonschema_description:"Site name, unique in the topology; its hosts are written SITE/HOST, the site itself site:NAME in connections."`
	AddressSpace []netip.Prefix `yaml:"addressSpace" jsonschema:"required,minItems=1" jsonschema_description:"Address ranges of the site."`
	// DNSServers are the resolvers the site's hosts use.
	DNSServers []netip.Addr `yaml:"dnsServers,omitempty" jsonschema_description:"Resolvers of the site's hosts, in order."`
	Search     []string     `yaml:"searchDomains,omitempty" jsonschema_description:"Search list of the site's hosts."`
	Hosts      []*Host      `yaml:"hosts,omitempty" jsonschema_description:"Machines at the site."`
	Loc        Location     `yaml:"-" json:"-"`
}

func (s *Site) Kind() string       { return "site" }
func (s *Site) Keys() []string     { return []string{s.Name} }
func (s *Site) Location() Location { return s.Loc }

// Host is a machine at a site, referenced as "SITE/HOST".
type Host struct {
	Name       string       `yaml:"name" jsonschema:"required" jsonschema_description:"Host name, unique in its site; the vantage host:SITE/NAME."`
	IP         netip.Addr   `yaml:"ip" jsonschema:"required" jsonschema_description:"Address of the host, inside the site's address space."`
	DNSServers []netip.Addr `yaml:"dnsServers,omitempty" jsonschema_description:"Overrides the site's DNS servers."`
	DNS        *DNSServer   `yaml:"dns,omitempty" jsonschema_description:"The host runs a DNS server with this configuration."`
	Site       *Site        `yaml:"-" json:"-"`
	Loc        Location     `yaml:"-" json:"-"`
}

func (h *Host) Kind() string       { return "host" }
func (h *Host) Keys() []string     { return []string{h.Site.Name + "/" + h.Name} }
func (h *Host) Location() Location { return h.Loc }

// ConnectionType of a cross-network connection.
type ConnectionType string

func (ConnectionType) Enum() []string { return []string{"vpn", "expressroute"} }

// Connection joins an Azure gateway to an on-prem site or an AWS VPC.
type Connection struct {
	Name    string           `yaml:"name" jsonschema:"required" jsonschema_description:"Connection name, unique in the topology."`
	Type    ConnectionType   `yaml:"type" jsonschema:"required" jsonschema_description:"Must match the gateway's type: vpn for Vpn, expressroute for ExpressRoute."`
	Gateway Ref[VNetGateway] `yaml:"gateway" jsonschema:"required" jsonschema_description:"Azure virtual network gateway of this end."`
	Remote  NetworkRef       `yaml:"remote" jsonschema:"required" jsonschema_description:"The other end: site:NAME or vpc:NAME."`
	// RemotePrefixes are the ranges routed into the tunnel (the local network
	// gateway's prefixes, or what BGP advertises); default the remote's whole
	// address space.
	RemotePrefixes []netip.Prefix `yaml:"remotePrefixes,omitempty" jsonschema_description:"Ranges routed through the connection; default the remote's address space."`
	Loc            Location       `yaml:"-" json:"-"`
}

func (c *Connection) Kind() string       { return "connection" }
func (c *Connection) Keys() []string     { return []string{c.Name} }
func (c *Connection) Location() Location { return c.Loc }

// NetworkRef names a network that is not an Azure VNet: "site:NAME" or
// "vpc:NAME".
type NetworkRef struct {
	Scheme string // "site" or "vpc"
	Site   Ref[Site]
	VPC    Ref[VPC]
	Loc    Location
}

// DecodeScalar parses "site:NAME" or "vpc:NAME".
func (n *NetworkRef) DecodeScalar(s string, at Location) error {
	scheme, name, ok := strings.Cut(s, ":")
	if !ok || name == "" {
		return fmt.Errorf("%q must be site:NAME or vpc:NAME", s)
	}
	n.Scheme, n.Loc = scheme, at
	switch scheme {
	case "site":
		n.Site = Ref[Site]{Name: name, Loc: at}
	case "vpc":
		n.VPC = Ref[VPC]{Name: name, Loc: at}
	default:
		return fmt.Errorf("%q must be site:NAME or vpc:NAME (unknown kind %q)", s, scheme)
	}
	return nil
}

// MarshalText writes the reference back.
func (n NetworkRef) MarshalText() ([]byte, error) {
	if n.Scheme == "site" {
		return []byte("site:" + n.Site.Name), nil
	}
	return []byte("vpc:" + n.VPC.Name), nil
}

// Prefixes returns the remote network's address space.
func (n *NetworkRef) Prefixes() []netip.Prefix {
	switch {
	case n.Site.Target != nil:
		return n.Site.Target.AddressSpace
	case n.VPC.Target != nil:
		return n.VPC.Target.CIDRs
	}
	return nil
}

// Internet holds the public DNS the estate declares.
type Internet struct {
	Zones []*Zone `yaml:"zones,omitempty" jsonschema_description:"Public zones, e.g. contoso.com. PaaS public names are synthesised from azure.resources."`
}
