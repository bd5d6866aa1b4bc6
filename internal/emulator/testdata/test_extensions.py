"""Behaviour of tfgate's moto extensions, checked with boto3 against a running emulator.

Run by emulator_test.go's TestExtensions with AWS_ENDPOINT_URL pointing at the emulator. Each class
covers one extension; the assertions are what the aws provider reads back.
"""

import json
import os
import unittest
import urllib.request

import boto3
from botocore.exceptions import ClientError

ENDPOINT = os.environ["AWS_ENDPOINT_URL"]


def client(name):
    return boto3.client(name, region_name="us-east-1")


def raw_json(service, target, body):
    """POST a JSON-protocol request and return the decoded body untouched by botocore, so the
    wire types (numbers vs strings) can be checked as the Go SDK sees them."""
    req = urllib.request.Request(ENDPOINT + "/", data=json.dumps(body).encode(), method="POST", headers={
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": target,
        "Authorization": "AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/%s/aws4_request, "
                         "SignedHeaders=host, Signature=0" % service,
    })
    with urllib.request.urlopen(req) as resp:
        return json.loads(resp.read() or b"{}")


class AppAutoscalingTags(unittest.TestCase):
    def test_tags_round_trip(self):
        aas = client("application-autoscaling")
        arn = aas.register_scalable_target(
            ServiceNamespace="dynamodb", ResourceId="table/t1",
            ScalableDimension="dynamodb:table:ReadCapacityUnits", MinCapacity=1, MaxCapacity=5,
            Tags={"env": "dev"})["ScalableTargetARN"]
        self.assertEqual(aas.list_tags_for_resource(ResourceARN=arn)["Tags"], {"env": "dev"})
        aas.tag_resource(ResourceARN=arn, Tags={"team": "web"})
        aas.untag_resource(ResourceARN=arn, TagKeys=["env"])
        self.assertEqual(aas.list_tags_for_resource(ResourceARN=arn)["Tags"], {"team": "web"})
        aas.deregister_scalable_target(ServiceNamespace="dynamodb", ResourceId="table/t1",
                                       ScalableDimension="dynamodb:table:ReadCapacityUnits")
        with self.assertRaises(ClientError) as ctx:
            aas.list_tags_for_resource(ResourceARN=arn)
        self.assertEqual(ctx.exception.response["Error"]["Code"], "ResourceNotFoundException")


class CognitoIdentityPoolRoles(unittest.TestCase):
    def test_set_get_roles(self):
        ci = client("cognito-identity")
        pool = ci.create_identity_pool(IdentityPoolName="p1", AllowUnauthenticatedIdentities=False)
        pid = pool["IdentityPoolId"]
        roles = {"authenticated": "arn:aws:iam::123456789012:role/auth"}
        ci.set_identity_pool_roles(IdentityPoolId=pid, Roles=roles)
        got = ci.get_identity_pool_roles(IdentityPoolId=pid)
        self.assertEqual(got["IdentityPoolId"], pid)
        self.assertEqual(got["Roles"], roles)
        ci.set_identity_pool_roles(IdentityPoolId=pid, Roles={})
        self.assertEqual(ci.get_identity_pool_roles(IdentityPoolId=pid)["Roles"], {})
        ci.delete_identity_pool(IdentityPoolId=pid)
        with self.assertRaises(ClientError) as ctx:
            ci.get_identity_pool_roles(IdentityPoolId=pid)
        self.assertEqual(ctx.exception.response["Error"]["Code"], "ResourceNotFoundException")


class LogsQueryDefinitions(unittest.TestCase):
    def test_put_describe_update_delete(self):
        logs = client("logs")
        qid = logs.put_query_definition(name="tfgate/errors", queryString="fields @message",
                                        logGroupNames=["/app"])["queryDefinitionId"]
        defs = logs.describe_query_definitions(queryDefinitionNamePrefix="tfgate/")["queryDefinitions"]
        self.assertEqual([(d["queryDefinitionId"], d["name"], d["logGroupNames"]) for d in defs],
                         [(qid, "tfgate/errors", ["/app"])])
        logs.put_query_definition(queryDefinitionId=qid, name="tfgate/errors", queryString="stats count()")
        defs = logs.describe_query_definitions(queryDefinitionNamePrefix="tfgate/")["queryDefinitions"]
        self.assertEqual(defs[0]["queryString"], "stats count()")
        self.assertEqual(logs.describe_query_definitions(queryDefinitionNamePrefix="other")["queryDefinitions"], [])
        self.assertTrue(logs.delete_query_definition(queryDefinitionId=qid)["success"])
        self.assertEqual(logs.describe_query_definitions()["queryDefinitions"], [])


class XRaySamplingRules(unittest.TestCase):
    RULE = dict(RuleName="tfgate-rule", ResourceARN="*", Priority=100, FixedRate=0.05, ReservoirSize=1,
                ServiceName="web", ServiceType="*", Host="*", HTTPMethod="*", URLPath="*", Version=1)

    def test_crud_and_tags(self):
        xray = client("xray")
        rec = xray.create_sampling_rule(SamplingRule=self.RULE, Tags=[{"Key": "env", "Value": "dev"}])
        arn = rec["SamplingRuleRecord"]["SamplingRule"]["RuleARN"]
        self.assertTrue(arn.endswith(":sampling-rule/tfgate-rule"))
        rules = xray.get_sampling_rules()["SamplingRuleRecords"]
        self.assertEqual([r["SamplingRule"]["RuleName"] for r in rules], ["tfgate-rule"])
        xray.update_sampling_rule(SamplingRuleUpdate={"RuleName": "tfgate-rule", "FixedRate": 0.5})
        rules = xray.get_sampling_rules()["SamplingRuleRecords"]
        self.assertEqual(rules[0]["SamplingRule"]["FixedRate"], 0.5)
        self.assertEqual(xray.list_tags_for_resource(ResourceARN=arn)["Tags"], [{"Key": "env", "Value": "dev"}])
        xray.tag_resource(ResourceARN=arn, Tags=[{"Key": "team", "Value": "web"}])
        xray.untag_resource(ResourceARN=arn, TagKeys=["env"])
        self.assertEqual(xray.list_tags_for_resource(ResourceARN=arn)["Tags"], [{"Key": "team", "Value": "web"}])
        xray.delete_sampling_rule(RuleName="tfgate-rule")
        self.assertEqual(xray.get_sampling_rules()["SamplingRuleRecords"], [])


if __name__ == "__main__":
    unittest.main()
