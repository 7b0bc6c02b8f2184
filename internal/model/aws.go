package model

import "net/netip"

// AWS holds the AWS side of the estate.
type AWS struct {
	VPCs              []*VPC              `yaml:"vpcs,omitempty" jsonschema_description:"VPCs with their subnets."`
	Instances         []*EC2Instance      `yaml:"instances,omitempty" jsonschema_description:"EC2 instances; one with a dns block is a DNS server."`
	HostedZones       []*HostedZone       `yaml:"privateHostedZones,omitempty" jsonschema_description:"Route 53 private hosted zones with their VPC associations."`
	ResolverEndpoints []*ResolverEndpoint `yaml:"resolverEndpoints,omitempty" jsonschema_description:"Route 53 Resolver inbound and outbound endpoints."`
	ResolverRules     []*ResolverRule     `yaml:"resolverRules,omitempty" jsonschema_description:"Route 53 Resolver rules with their VPC associations."`
}

// VPC is an AWS VPC.
type VPC struct {
	Name   string         `yaml:"name" jsonschema:"required" jsonschema_description:"VPC name, unique in the topology; its subnets are written VPC/SUBNET, the VPC itself vpc:NAME in connections."`
	Region string         `yaml:"region,omitempty" jsonschema_description:"AWS region, e.g. eu-west-1."`
	CIDRs  []netip.Prefix `yaml:"cidrBlocks" jsonschema:"required,minItems=1" jsonschema_description:"Primary CIDR first: the Amazon DNS server is its base + 2."`
	// EnableDNSSupport defaults to true; false disables the Amazon resolver.
	EnableDNSSupport   *bool        `yaml:"enableDnsSupport,omitempty" jsonschema_description:"Default true; false turns off the Amazon-provided resolver."`
	EnableDNSHostnames bool         `yaml:"enableDnsHostnames,omitempty" jsonschema_description:"Needed, with enableDnsSupport, for private hosted zones."`
	DHCPOptions        *DHCPOptions `yaml:"dhcpOptions,omitempty" jsonschema_description:"DHCP options set: the DNS servers and domain name instances get."`
	Subnets            []*AWSSubnet `yaml:"subnets,omitempty" jsonschema_description:"Subnets, each inside the CIDR blocks."`
	Loc                Location     `yaml:"-" json:"-"`
}

func (v *VPC) Kind() string       { return "vpc" }
func (v *VPC) Keys() []string     { return []string{v.Name} }
func (v *VPC) Location() Location { return v.Loc }

// DNSSupport reports enableDnsSupport with AWS's default.
func (v *VPC) DNSSupport() bool { return v.EnableDNSSupport == nil || *v.EnableDNSSupport }

// ResolverIP is the Amazon DNS server's address: the primary CIDR's base + 2
// (azure-aws-dns.md §7, VPCD VPC_DHCP_Options).
func (v *VPC) ResolverIP() netip.Addr {
	if len(v.CIDRs) == 0 {
		return netip.Addr{}
	}
	return v.CIDRs[0].Masked().Addr().Next().Next()
}

// AWSLinkLocalResolver is the Amazon DNS server's other address.
var AWSLinkLocalResolver = netip.MustParseAddr("169.254.169.253")

// DHCPOptions is a VPC's DHCP options set.
type DHCPOptions struct {
	DomainName string `yaml:"domainName,omitempty" jsonschema_description:"Domain name handed to instances, their search domain."`
	// DomainNameServers is "AmazonProvidedDNS" or up to four IPs.
	DomainNameServers []string `yaml:"domainNameServers,omitempty" jsonschema:"maxItems=4" jsonschema_description:"AmazonProvidedDNS, or up to 4 DNS server IPs (not both)."`
	Loc               Location `yaml:"-" json:"-"`
}

// AWSSubnet is a subnet of a VPC, referenced as "VPC/SUBNET".
type AWSSubnet struct {
	Name             string       `yaml:"name" jsonschema:"required" jsonschema_description:"Subnet name, unique in its VPC."`
	CIDR             netip.Prefix `yaml:"cidrBlock" jsonschema:"required" jsonschema_description:"CIDR inside the VPC's CIDR blocks."`
	AvailabilityZone string       `yaml:"availabilityZone,omitempty" jsonschema_description:"Availability zone, e.g. eu-west-1a."`
	VPC              *VPC         `yaml:"-" json:"-"`
	Loc              Location     `yaml:"-" json:"-"`
}

func (s *AWSSubnet) Kind() string       { return "aws subnet" }
func (s *AWSSubnet) Keys() []string     { return []string{s.VPC.Name + "/" + s.Name} }
func (s *AWSSubnet) Location() Location { return s.Loc }

// EC2Instance is an instance with one ENI.
type EC2Instance struct {
	Name   string         `yaml:"name" jsonschema:"required" jsonschema_description:"Instance name, unique in the topology; the vantage vm:NAME."`
	Subnet Ref[AWSSubnet] `yaml:"subnet" jsonschema:"required" jsonschema_description:"VPC/SUBNET."`
	IP     netip.Addr     `yaml:"privateIp" jsonschema:"required" jsonschema_description:"Address of the ENI, inside its subnet."`
	DNS    *DNSServer     `yaml:"dns,omitempty" jsonschema_description:"The instance runs a DNS server with this configuration."`
	Loc    Location       `yaml:"-" json:"-"`
}

func (i *EC2Instance) Kind() string       { return "instance" }
func (i *EC2Instance) Keys() []string     { return []string{i.Name} }
func (i *EC2Instance) Location() Location { return i.Loc }

// HostedZone is a Route 53 private hosted zone.
type HostedZone struct {
	Zone `yaml:",inline"`
	// VPCs are the zone's VPC associations.
	VPCs []Ref[VPC] `yaml:"vpcs" jsonschema:"required,minItems=1" jsonschema_description:"Associated VPCs: only they see the zone."`
}

func (z *HostedZone) Kind() string       { return "private hosted zone" }
func (z *HostedZone) Keys() []string     { return []string{z.Name} }
func (z *HostedZone) Location() Location { return z.Loc }

// EndpointDirection of a Resolver endpoint.
type EndpointDirection string

func (EndpointDirection) Enum() []string { return []string{"INBOUND", "OUTBOUND"} }

// ResolverEndpoint is a Route 53 Resolver endpoint.
type ResolverEndpoint struct {
	Name      string            `yaml:"name" jsonschema:"required" jsonschema_description:"Endpoint name, unique in the topology."`
	Direction EndpointDirection `yaml:"direction" jsonschema:"required" jsonschema_description:"INBOUND receives queries from outside the VPC; OUTBOUND forwards queries out of it."`
	IPs       []*EndpointIP     `yaml:"ipAddresses" jsonschema:"required,minItems=1" jsonschema_description:"At least two in production (AWS requires two)."`
	Loc       Location          `yaml:"-" json:"-"`
}

func (e *ResolverEndpoint) Kind() string       { return "resolver endpoint" }
func (e *ResolverEndpoint) Keys() []string     { return []string{e.Name} }
func (e *ResolverEndpoint) Location() Location { return e.Loc }

// EndpointIP is one ENI of a Resolver endpoint.
type EndpointIP struct {
	Subnet Ref[AWSSubnet] `yaml:"subnet" jsonschema:"required" jsonschema_description:"VPC/SUBNET of this address."`
	IP     netip.Addr     `yaml:"ip" jsonschema:"required" jsonschema_description:"Address, inside its subnet."`
	Loc    Location       `yaml:"-" json:"-"`
}

// ResolverRuleType of a Route 53 Resolver rule.
type ResolverRuleType string

func (ResolverRuleType) Enum() []string { return []string{"FORWARD", "SYSTEM"} }

// ResolverRule is a Route 53 Resolver rule and its VPC associations.
type ResolverRule struct {
	Name     string                `yaml:"name" jsonschema:"required" jsonschema_description:"Rule name, unique in the topology."`
	Type     ResolverRuleType      `yaml:"ruleType" jsonschema:"required" jsonschema_description:"FORWARD sends the domain to targetIps; SYSTEM has the Resolver answer it itself."`
	Domain   string                `yaml:"domainName" jsonschema:"required" jsonschema_description:"Domain the rule applies to, e.g. azure.contoso.com."`
	Targets  []AddrPort            `yaml:"targetIps,omitempty" jsonschema_description:"FORWARD rules: where queries go."`
	Endpoint Ref[ResolverEndpoint] `yaml:"resolverEndpoint,omitempty" jsonschema_description:"FORWARD rules: the OUTBOUND endpoint queries leave from."`
	VPCs     []Ref[VPC]            `yaml:"vpcs,omitempty" jsonschema_description:"Associated VPCs."`
	Loc      Location              `yaml:"-" json:"-"`
}

func (r *ResolverRule) Kind() string       { return "resolver rule" }
func (r *ResolverRule) Keys() []string     { return []string{r.Name} }
func (r *ResolverRule) Location() Location { return r.Loc }
