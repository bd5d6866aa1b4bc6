"""EC2: what moto 5.2 gets wrong for this stack's network.

* DescribeSecurityGroupRules reported no Description for a rule that references another security
  group (moto reads it only from CIDR rules), so every aws_vpc_security_group_*_rule with
  referenced_security_group_id and a description drifted.
* DeleteNatGateway left the gateway's network interface behind (AWS releases it), and crashed
  (KeyError, a 501 here) for a gateway that does not exist, where AWS answers NatGatewayNotFound.
* DeleteVpc left the VPC's default network ACL behind (AWS deletes it with the VPC).
"""

from moto.ec2.models import EC2Backend
from moto.ec2.models import security_groups as sg

from . import core

core.extension("ec2-fixes")


def _rule_description(self):
    return self.ip_range.get("Description") or (self.source_group or {}).get("Description")


sg.SecurityGroupRule.description = property(_rule_description)

_orig_delete_nat = EC2Backend.delete_nat_gateway


def _delete_nat_gateway(self, nat_gateway_id):
    if nat_gateway_id not in self.nat_gateways:
        from moto.ec2.exceptions import EC2ClientError

        raise EC2ClientError("NatGatewayNotFound", "NAT gateway %s was not found" % nat_gateway_id)
    nat = _orig_delete_nat(self, nat_gateway_id)
    eni = getattr(nat, "_eni", None)
    if eni is not None and eni.id in self.enis:
        for address in list(getattr(self, "addresses", [])):
            if getattr(address, "eni", None) is eni:
                address.eni = None
                address.association_id = None
        self.enis.pop(eni.id, None)
    return nat


EC2Backend.delete_nat_gateway = _delete_nat_gateway

_orig_delete_vpc = EC2Backend.delete_vpc


def _delete_vpc(self, vpc_id):
    vpc = _orig_delete_vpc(self, vpc_id)
    for acl_id, acl in list(self.network_acls.items()):
        if getattr(acl, "vpc_id", None) == vpc_id and getattr(acl, "default", None) in (True, "true"):
            del self.network_acls[acl_id]
    return vpc


EC2Backend.delete_vpc = _delete_vpc
