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


class AppAutoscalingDeletes(unittest.TestCase):
    """A missing policy/target/scheduled action answers ObjectNotFoundException (what the provider
    treats as already deleted), and concurrent deletes of one policy let exactly one succeed."""

    NS, DIM = "dynamodb", "dynamodb:table:ReadCapacityUnits"

    def _target(self, aas, rid):
        aas.register_scalable_target(ServiceNamespace=self.NS, ResourceId=rid, ScalableDimension=self.DIM,
                                     MinCapacity=1, MaxCapacity=5)

    def _policy(self, aas, rid, name):
        aas.put_scaling_policy(
            PolicyName=name, ServiceNamespace=self.NS, ResourceId=rid, ScalableDimension=self.DIM,
            PolicyType="TargetTrackingScaling",
            TargetTrackingScalingPolicyConfiguration={
                "TargetValue": 70.0,
                "PredefinedMetricSpecification": {"PredefinedMetricType": "DynamoDBReadCapacityUtilization"}})

    def _delete(self, aas, rid, name):
        return aas.delete_scaling_policy(PolicyName=name, ServiceNamespace=self.NS, ResourceId=rid,
                                         ScalableDimension=self.DIM)

    def _code(self, fn):
        with self.assertRaises(ClientError) as ctx:
            fn()
        return ctx.exception.response["Error"]["Code"]

    def test_repeated_delete(self):
        aas = client("application-autoscaling")
        self._target(aas, "table/del1")
        self._policy(aas, "table/del1", "p1")
        self._delete(aas, "table/del1", "p1")
        for _ in range(3):  # a retried delete whose first attempt went through
            self.assertEqual(self._code(lambda: self._delete(aas, "table/del1", "p1")), "ObjectNotFoundException")
        pols = aas.describe_scaling_policies(ServiceNamespace=self.NS, ResourceId="table/del1")["ScalingPolicies"]
        self.assertEqual(pols, [])

    def test_concurrent_delete(self):
        import threading

        aas = client("application-autoscaling")
        self._target(aas, "table/del2")
        for round_ in range(5):
            self._policy(aas, "table/del2", "ws-cpu")
            self._policy(aas, "table/del2", "ws-other")
            results, lock = [], threading.Lock()

            def worker(name):
                c = client("application-autoscaling")
                try:
                    self._delete(c, "table/del2", name)
                    out = "ok"
                except ClientError as exc:
                    out = exc.response["Error"]["Code"]
                with lock:
                    results.append((name, out))

            threads = [threading.Thread(target=worker, args=("ws-cpu",)) for _ in range(8)]
            threads.append(threading.Thread(target=worker, args=("ws-other",)))
            for th in threads:
                th.start()
            for th in threads:
                th.join()
            cpu = sorted(r for n, r in results if n == "ws-cpu")
            self.assertEqual(cpu, ["ObjectNotFoundException"] * 7 + ["ok"], "round %d: %s" % (round_, results))
            self.assertIn(("ws-other", "ok"), results)

    def test_deregister_and_scheduled_action_missing(self):
        aas = client("application-autoscaling")
        self._target(aas, "table/del3")
        aas.deregister_scalable_target(ServiceNamespace=self.NS, ResourceId="table/del3", ScalableDimension=self.DIM)
        self.assertEqual(self._code(lambda: aas.deregister_scalable_target(
            ServiceNamespace=self.NS, ResourceId="table/del3", ScalableDimension=self.DIM)), "ObjectNotFoundException")
        self.assertEqual(self._code(lambda: aas.delete_scheduled_action(
            ServiceNamespace=self.NS, ScheduledActionName="nope", ResourceId="table/del3",
            ScalableDimension=self.DIM)), "ObjectNotFoundException")


class RDSModifyDBProxy(unittest.TestCase):
    def test_modify_auth_and_settings(self):
        ec2, rds = client("ec2"), client("rds")
        vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
        sub = ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.1.0/24")["Subnet"]["SubnetId"]
        rds.create_db_proxy(DBProxyName="px", EngineFamily="POSTGRESQL", RoleArn="arn:aws:iam::123456789012:role/r",
                            VpcSubnetIds=[sub], RequireTLS=False,
                            Auth=[{"AuthScheme": "SECRETS", "SecretArn": "arn:aws:secretsmanager:us-east-1:123456789012:secret:old", "IAMAuth": "DISABLED"}])
        rds.modify_db_proxy(DBProxyName="px", RequireTLS=True, IdleClientTimeout=900,
                            Auth=[{"AuthScheme": "SECRETS", "SecretArn": "arn:aws:secretsmanager:us-east-1:123456789012:secret:new", "IAMAuth": "DISABLED"}])
        px = rds.describe_db_proxies(DBProxyName="px")["DBProxies"][0]
        self.assertTrue(px["RequireTLS"])
        self.assertEqual(px["IdleClientTimeout"], 900)
        self.assertEqual([a["SecretArn"] for a in px["Auth"]], ["arn:aws:secretsmanager:us-east-1:123456789012:secret:new"])
        with self.assertRaises(ClientError) as ctx:
            rds.modify_db_proxy(DBProxyName="nope", RequireTLS=True)
        self.assertEqual(ctx.exception.response["Error"]["Code"], "DBProxyNotFoundFault")
        rds.delete_db_proxy(DBProxyName="px")


class MissingDeletes(unittest.TestCase):
    """Every delete the stack's resource types use, on an object that does not exist, answers what
    AWS answers (the provider then treats the resource as already gone) and never a 501 crash.
    "OK" is accepted where AWS itself succeeds, and for logs DeleteMetricFilter and backup
    DeleteBackupVault, where moto succeeds and AWS says ResourceNotFoundException: both end the
    provider's delete the same way."""

    PROBES = [
    ("ec2","delete_vpc",dict(VpcId="vpc-0123456789abcdef0"),{"InvalidVpcID.NotFound"}),
    ("ec2","delete_subnet",dict(SubnetId="subnet-0123456789abcdef0"),{"InvalidSubnetID.NotFound"}),
    ("ec2","delete_security_group",dict(GroupId="sg-0123456789abcdef0"),{"InvalidGroup.NotFound"}),
    ("ec2","delete_nat_gateway",dict(NatGatewayId="nat-0123456789abcdef0"),{"NatGatewayNotFound"}),
    ("ec2","release_address",dict(AllocationId="eipalloc-0123456789abcdef0"),{"InvalidAllocationID.NotFound"}),
    ("ec2","delete_route_table",dict(RouteTableId="rtb-0123456789abcdef0"),{"InvalidRouteTableID.NotFound"}),
    ("ec2","delete_internet_gateway",dict(InternetGatewayId="igw-0123456789abcdef0"),{"InvalidInternetGatewayID.NotFound"}),
    ("ec2","revoke_security_group_ingress",dict(GroupId="sg-0123456789abcdef0",SecurityGroupRuleIds=["sgr-0123456789abcdef0"]),{"InvalidGroup.NotFound","InvalidSecurityGroupRuleId.NotFound"}),
    ("rds","delete_db_instance",dict(DBInstanceIdentifier="nope",SkipFinalSnapshot=True),{"DBInstanceNotFound"}),
    ("rds","delete_db_proxy",dict(DBProxyName="nope"),{"DBProxyNotFoundFault"}),
    ("rds","delete_db_parameter_group",dict(DBParameterGroupName="nope"),{"DBParameterGroupNotFound"}),
    ("rds","delete_db_subnet_group",dict(DBSubnetGroupName="nope"),{"DBSubnetGroupNotFoundFault"}),
    ("rds","deregister_db_proxy_targets",dict(DBProxyName="nope",DBInstanceIdentifiers=["x"]),{"DBProxyNotFoundFault","DBProxyTargetNotFoundFault"}),
    ("ecs","delete_service",dict(cluster="nope",service="nope"),{"ClusterNotFoundException","ServiceNotFoundException"}),
    ("ecs","delete_cluster",dict(cluster="nope"),{"ClusterNotFoundException"}),
    ("elbv2","delete_target_group",dict(TargetGroupArn="arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/nope/1234567890abcdef"),{"OK","TargetGroupNotFound"}),
    ("elbv2","delete_listener",dict(ListenerArn="arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/nope/1234567890abcdef/1234567890abcdef"),{"ListenerNotFound"}),
    ("elbv2","delete_load_balancer",dict(LoadBalancerArn="arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/nope/1234567890abcdef"),{"OK","LoadBalancerNotFound"}),
    ("logs","delete_log_group",dict(logGroupName="nope"),{"ResourceNotFoundException"}),
    ("logs","delete_metric_filter",dict(logGroupName="nope",filterName="nope"),{"ResourceNotFoundException","OK"}),
    ("iam","delete_role",dict(RoleName="nope"),{"NoSuchEntity"}),
    ("kms","schedule_key_deletion",dict(KeyId="12345678-1234-1234-1234-123456789012"),{"NotFoundException"}),
    ("ssm","delete_parameter",dict(Name="/nope"),{"ParameterNotFound"}),
    ("s3","delete_bucket",dict(Bucket="tfgate-nope-bucket"),{"NoSuchBucket"}),
    ("cognito-idp","delete_user_pool",dict(UserPoolId="us-east-1_nope"),{"ResourceNotFoundException"}),
    ("ecr","delete_repository",dict(repositoryName="nope"),{"RepositoryNotFoundException"}),
    ("acm","delete_certificate",dict(CertificateArn="arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012"),{"ResourceNotFoundException"}),
    ("backup","delete_backup_vault",dict(BackupVaultName="nope"),{"ResourceNotFoundException","OK"}),
    ("backup","delete_backup_plan",dict(BackupPlanId="nope"),{"ResourceNotFoundException"}),
    ("sns","delete_topic",dict(TopicArn="arn:aws:sns:us-east-1:123456789012:nope"),{"OK","NotFound"}),
    ("cloudwatch","delete_alarms",dict(AlarmNames=["nope"]),{"OK","ResourceNotFound"}),
    ("wafv2","delete_web_acl",dict(Name="nope",Scope="REGIONAL",Id="12345678-1234-1234-1234-123456789012",LockToken="12345678-1234-1234-1234-123456789012"),{"WAFNonexistentItemException"}),
    ("codebuild","delete_project",dict(name="nope"),{"OK"}),
    ("codepipeline","delete_pipeline",dict(name="nope"),{"OK","PipelineNotFoundException"}),
    ("cloudfront","delete_distribution",dict(Id="E123",IfMatch="x"),{"NoSuchDistribution"}),
    ("secretsmanager","delete_secret",dict(SecretId="nope"),{"ResourceNotFoundException"}),
    ("cognito-identity","delete_identity_pool",dict(IdentityPoolId="us-east-1:12345678-1234-1234-1234-123456789012"),{"ResourceNotFoundException"}),
    ("application-autoscaling", "delete_scaling_policy", dict(PolicyName="nope", ServiceNamespace="ecs", ResourceId="service/c/s", ScalableDimension="ecs:service:DesiredCount"), {"ObjectNotFoundException"}),
    ("application-autoscaling", "deregister_scalable_target", dict(ServiceNamespace="ecs", ResourceId="service/c/s", ScalableDimension="ecs:service:DesiredCount"), {"ObjectNotFoundException"}),
    ("backup", "delete_backup_selection", dict(BackupPlanId="nope", SelectionId="nope"), {"ResourceNotFoundException"}),
    ("xray", "delete_sampling_rule", dict(RuleName="nope"), {"InvalidRequestException"}),
    ("logs", "delete_query_definition", dict(queryDefinitionId="nope"), {"ResourceNotFoundException"}),
    ("codestar-connections", "delete_connection", dict(ConnectionArn="arn:aws:codestar-connections:us-east-1:123456789012:connection/12345678-1234-1234-1234-123456789012"), {"ResourceNotFoundException"}),
    ("codedeploy", "delete_deployment_group", dict(applicationName="nope", deploymentGroupName="nope"), {"ApplicationDoesNotExistException", "DeploymentGroupDoesNotExistException", "OK"}),
    ("codedeploy", "delete_application", dict(applicationName="nope"), {"ApplicationDoesNotExistException", "OK"}),
    ]

    def test_missing_object_deletes(self):
        wrong = []
        for svc, op, kwargs, want in self.PROBES:
            try:
                getattr(client(svc), op)(**kwargs)
                code = "OK"
            except ClientError as exc:
                code = exc.response["Error"]["Code"]
            if code not in want:
                wrong.append("%s %s: %s, want one of %s" % (svc, op, code, sorted(want)))
        self.assertEqual(wrong, [])


class BackupSelections(unittest.TestCase):
    def test_selection_lifecycle(self):
        bk = client("backup")
        bk.create_backup_vault(BackupVaultName="v1", BackupVaultTags={"Project": "p"})
        vault_arn = bk.describe_backup_vault(BackupVaultName="v1")["BackupVaultArn"]
        self.assertEqual(bk.list_tags(ResourceArn=vault_arn)["Tags"], {"Project": "p"})
        plan = bk.create_backup_plan(BackupPlan={"BackupPlanName": "pl1", "Rules": [
            {"RuleName": "daily", "TargetBackupVaultName": "v1", "ScheduleExpression": "cron(0 5 * * ? *)",
             "Lifecycle": {"DeleteAfterDays": 7}}]}, BackupPlanTags={"Project": "p"})
        pid = plan["BackupPlanId"]
        self.assertEqual(bk.list_tags(ResourceArn=plan["BackupPlanArn"])["Tags"], {"Project": "p"})
        role = "arn:aws:iam::123456789012:role/backup"
        res = ["arn:aws:rds:us-east-1:123456789012:db:x", "arn:aws:s3:::b"]
        sid = bk.create_backup_selection(BackupPlanId=pid, BackupSelection={
            "SelectionName": "s1", "IamRoleArn": role, "Resources": res})["SelectionId"]
        got = bk.get_backup_selection(BackupPlanId=pid, SelectionId=sid)
        self.assertEqual(got["BackupSelection"]["Resources"], res)
        self.assertEqual(got["BackupSelection"]["IamRoleArn"], role)
        self.assertEqual([s["SelectionId"] for s in bk.list_backup_selections(BackupPlanId=pid)["BackupSelectionsList"]], [sid])
        with self.assertRaises(ClientError) as ctx:  # AWS refuses to delete a plan with selections
            bk.delete_backup_plan(BackupPlanId=pid)
        self.assertEqual(ctx.exception.response["Error"]["Code"], "InvalidRequestException")
        bk.delete_backup_selection(BackupPlanId=pid, SelectionId=sid)
        for call in (lambda: bk.get_backup_selection(BackupPlanId=pid, SelectionId=sid),
                     lambda: bk.delete_backup_selection(BackupPlanId=pid, SelectionId=sid)):
            with self.assertRaises(ClientError) as ctx:
                call()
            self.assertEqual(ctx.exception.response["Error"]["Code"], "ResourceNotFoundException")
        self.assertEqual(bk.list_recovery_points_by_backup_vault(BackupVaultName="v1")["RecoveryPoints"], [])
        bk.delete_backup_plan(BackupPlanId=pid)
        bk.delete_backup_vault(BackupVaultName="v1")
        left = [r for r in json.loads(urllib.request.urlopen(ENDPOINT + "/tfgate/resources").read())["resources"]
                if r["service"] == "backup"]
        self.assertEqual(left, [])


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


class RDSAttributes(unittest.TestCase):
    def test_monitoring_and_performance_insights_kept(self):
        rds = client("rds")
        rds.create_db_instance(DBInstanceIdentifier="tfgate-db", Engine="postgres", DBInstanceClass="db.t3.micro",
                               AllocatedStorage=20, MasterUsername="app", ManageMasterUserPassword=True,
                               MonitoringInterval=60, MonitoringRoleArn="arn:aws:iam::123456789012:role/mon",
                               EnablePerformanceInsights=True, PerformanceInsightsRetentionPeriod=7)
        db = rds.describe_db_instances(DBInstanceIdentifier="tfgate-db")["DBInstances"][0]
        self.assertEqual(db["MonitoringInterval"], 60)
        self.assertEqual(db["MonitoringRoleArn"], "arn:aws:iam::123456789012:role/mon")
        self.assertTrue(db["PerformanceInsightsEnabled"])
        self.assertEqual(db["PerformanceInsightsRetentionPeriod"], 7)
        rds.modify_db_instance(DBInstanceIdentifier="tfgate-db", MonitoringInterval=30,
                               EnablePerformanceInsights=False, ApplyImmediately=True)
        db = rds.describe_db_instances(DBInstanceIdentifier="tfgate-db")["DBInstances"][0]
        self.assertEqual(db["MonitoringInterval"], 30)
        self.assertFalse(db["PerformanceInsightsEnabled"])
        rds.delete_db_instance(DBInstanceIdentifier="tfgate-db", SkipFinalSnapshot=True)

    def test_parameter_group_reports_user_parameters(self):
        rds = client("rds")
        rds.create_db_parameter_group(DBParameterGroupName="tfgate-pg", DBParameterGroupFamily="postgres16",
                                      Description="d")
        rds.modify_db_parameter_group(DBParameterGroupName="tfgate-pg", Parameters=[
            {"ParameterName": "rds.force_ssl", "ParameterValue": "1", "ApplyMethod": "pending-reboot"}])
        params = rds.describe_db_parameters(DBParameterGroupName="tfgate-pg", Source="user")["Parameters"]
        self.assertEqual([(p["ParameterName"], p["ParameterValue"], p["ApplyMethod"], p["Source"]) for p in params],
                         [("rds.force_ssl", "1", "pending-reboot", "user")])
        self.assertEqual(rds.describe_db_parameters(DBParameterGroupName="tfgate-pg", Source="system")["Parameters"], [])
        rds.delete_db_parameter_group(DBParameterGroupName="tfgate-pg")


class ECSServiceAttributes(unittest.TestCase):
    def test_create_service_keeps_attributes(self):
        ecs = client("ecs")
        ecs.create_cluster(clusterName="tfgate")
        td = ecs.register_task_definition(family="tfgate", containerDefinitions=[
            {"name": "app", "image": "nginx", "memory": 128}])["taskDefinition"]["taskDefinitionArn"]
        ecs.create_service(cluster="tfgate", serviceName="web", taskDefinition=td, desiredCount=1,
                           healthCheckGracePeriodSeconds=45, enableExecuteCommand=True,
                           availabilityZoneRebalancing="ENABLED")
        svc = ecs.describe_services(cluster="tfgate", services=["web"])["services"][0]
        self.assertEqual(svc["healthCheckGracePeriodSeconds"], 45)
        self.assertTrue(svc["enableExecuteCommand"])
        self.assertEqual(svc["availabilityZoneRebalancing"], "ENABLED")
        ecs.delete_service(cluster="tfgate", service="web", force=True)
        ecs.deregister_task_definition(taskDefinition=td)
        ecs.delete_cluster(cluster="tfgate")


class CloudFrontDistribution(unittest.TestCase):
    def test_oac_arn_and_cache_policy(self):
        cf = client("cloudfront")
        oac = cf.create_origin_access_control(OriginAccessControlConfig={
            "Name": "tfgate", "SigningProtocol": "sigv4", "SigningBehavior": "always",
            "OriginAccessControlOriginType": "s3"})["OriginAccessControl"]["Id"]
        dist = cf.create_distribution(DistributionConfig={
            "CallerReference": "tfgate", "Comment": "", "Enabled": True,
            "Origins": {"Quantity": 1, "Items": [{
                "Id": "s3", "DomainName": "bucket.s3.us-east-1.amazonaws.com",
                "S3OriginConfig": {"OriginAccessIdentity": ""}, "OriginAccessControlId": oac}]},
            "DefaultCacheBehavior": {"TargetOriginId": "s3", "ViewerProtocolPolicy": "redirect-to-https",
                                     "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"},
        })["Distribution"]
        self.assertEqual(dist["ARN"], "arn:aws:cloudfront::123456789012:distribution/" + dist["Id"])
        got = cf.get_distribution(Id=dist["Id"])["Distribution"]["DistributionConfig"]
        self.assertEqual(got["Origins"]["Items"][0]["OriginAccessControlId"], oac)
        self.assertNotIn("ForwardedValues", got["DefaultCacheBehavior"])
        self.assertNotIn("SSLSupportMethod", got["ViewerCertificate"])


class CodeStarConnections(unittest.TestCase):
    def test_crud_and_tags(self):
        cs = client("codestar-connections")
        arn = cs.create_connection(ConnectionName="gh", ProviderType="GitHub",
                                   Tags=[{"Key": "env", "Value": "dev"}])["ConnectionArn"]
        conn = cs.get_connection(ConnectionArn=arn)["Connection"]
        self.assertEqual((conn["ConnectionName"], conn["ProviderType"], conn["ConnectionStatus"]),
                         ("gh", "GitHub", "PENDING"))
        self.assertEqual([c["ConnectionArn"] for c in cs.list_connections()["Connections"]], [arn])
        cs.tag_resource(ResourceArn=arn, Tags=[{"Key": "team", "Value": "web"}])
        cs.untag_resource(ResourceArn=arn, TagKeys=["env"])
        self.assertEqual(cs.list_tags_for_resource(ResourceArn=arn)["Tags"], [{"Key": "team", "Value": "web"}])
        cs.delete_connection(ConnectionArn=arn)
        with self.assertRaises(ClientError) as ctx:
            cs.get_connection(ConnectionArn=arn)
        self.assertEqual(ctx.exception.response["Error"]["Code"], "ResourceNotFoundException")


TRUST_MANY = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": "sts:AssumeRole",
    "Principal": {"Service": ["codebuild.amazonaws.com", "codepipeline.amazonaws.com"]}}]})


class CodePipeline(unittest.TestCase):
    def test_epoch_timestamps_and_list_principal(self):
        iam = client("iam")
        role = iam.create_role(RoleName="tfgate-cp", AssumeRolePolicyDocument=TRUST_MANY)["Role"]["Arn"]
        stage = lambda n, cat, prov: {"name": n, "actions": [{
            "name": n, "actionTypeId": {"category": cat, "owner": "AWS", "provider": prov, "version": "1"},
            "configuration": {}, "outputArtifacts": [], "inputArtifacts": []}]}
        client("codepipeline").create_pipeline(pipeline={
            "name": "tfgate", "roleArn": role, "artifactStore": {"type": "S3", "location": "tfgate-artifacts"},
            "stages": [stage("Source", "Source", "S3"), stage("Build", "Build", "CodeBuild")]})
        meta = raw_json("codepipeline", "CodePipeline_20150709.GetPipeline", {"name": "tfgate"})["metadata"]
        self.assertIsInstance(meta["created"], (int, float))
        self.assertIsInstance(meta["updated"], (int, float))
        client("codepipeline").delete_pipeline(name="tfgate")
        iam.delete_role(RoleName="tfgate-cp")


class CodeDeploy(unittest.TestCase):
    def test_timestamps_deletes_and_empty_blocks(self):
        cd = client("codedeploy")
        cd.create_application(applicationName="tfgate", computePlatform="ECS")
        app = raw_json("codedeploy", "CodeDeploy_20141006.GetApplication", {"applicationName": "tfgate"})
        self.assertIsInstance(app["application"]["createTime"], (int, float))
        cd.create_deployment_group(applicationName="tfgate", deploymentGroupName="g",
                                   serviceRoleArn="arn:aws:iam::123456789012:role/cd",
                                   alarmConfiguration={"enabled": True, "alarms": [{"name": "a"}]})
        info = cd.get_deployment_group(applicationName="tfgate", deploymentGroupName="g")["deploymentGroupInfo"]
        self.assertNotIn("loadBalancerInfo", info)
        self.assertEqual(info["alarmConfiguration"], {"enabled": True, "alarms": [{"name": "a"}]})
        cd.update_deployment_group(applicationName="tfgate", currentDeploymentGroupName="g",
                                   deploymentConfigName="CodeDeployDefault.ECSAllAtOnce")
        info = cd.get_deployment_group(applicationName="tfgate", deploymentGroupName="g")["deploymentGroupInfo"]
        self.assertEqual(info["deploymentConfigName"], "CodeDeployDefault.ECSAllAtOnce")
        cd.delete_deployment_group(applicationName="tfgate", deploymentGroupName="g")
        self.assertEqual(cd.list_deployment_groups(applicationName="tfgate")["deploymentGroups"], [])
        cd.delete_application(applicationName="tfgate")
        self.assertEqual(cd.list_applications()["applications"], [])


class CodeBuild(unittest.TestCase):
    def test_codepipeline_project_and_delete_by_arn(self):
        cb = client("codebuild")
        proj = cb.create_project(name="tfgate", source={"type": "CODEPIPELINE"},
                                 artifacts={"type": "CODEPIPELINE"},
                                 environment={"type": "LINUX_CONTAINER", "image": "aws/codebuild/standard:7.0",
                                              "computeType": "BUILD_GENERAL1_SMALL"},
                                 serviceRole="arn:aws:iam::123456789012:role/cb")["project"]
        self.assertEqual(cb.list_projects()["projects"], ["tfgate"])
        cb.delete_project(name=proj["arn"])
        self.assertEqual(cb.list_projects()["projects"], [])


def leftovers():
    with urllib.request.urlopen(ENDPOINT + "/tfgate/resources") as resp:
        return json.loads(resp.read())["resources"]


class EC2Fixes(unittest.TestCase):
    def test_referenced_group_rule_description(self):
        ec2 = client("ec2")
        vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
        a = ec2.create_security_group(GroupName="a", Description="a", VpcId=vpc)["GroupId"]
        b = ec2.create_security_group(GroupName="b", Description="b", VpcId=vpc)["GroupId"]
        rule = ec2.authorize_security_group_ingress(GroupId=a, IpPermissions=[{
            "IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432,
            "UserIdGroupPairs": [{"GroupId": b, "Description": "from the app"}]}])["SecurityGroupRules"][0]
        got = ec2.describe_security_group_rules(SecurityGroupRuleIds=[rule["SecurityGroupRuleId"]])["SecurityGroupRules"][0]
        self.assertEqual(got["Description"], "from the app")
        self.assertEqual(got["ReferencedGroupInfo"]["GroupId"], b)
        ec2.delete_security_group(GroupId=a)
        ec2.delete_security_group(GroupId=b)
        ec2.delete_vpc(VpcId=vpc)

    def test_nat_gateway_and_vpc_delete_leave_nothing(self):
        ec2 = client("ec2")
        vpc = ec2.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.30.1.0/24")["Subnet"]["SubnetId"]
        alloc = ec2.allocate_address(Domain="vpc")["AllocationId"]
        nat = ec2.create_nat_gateway(SubnetId=subnet, AllocationId=alloc)["NatGateway"]["NatGatewayId"]
        ec2.delete_nat_gateway(NatGatewayId=nat)
        ec2.release_address(AllocationId=alloc)
        ec2.delete_subnet(SubnetId=subnet)
        ec2.delete_vpc(VpcId=vpc)
        ec2_left = [r for r in leftovers() if r["service"] == "ec2"]
        self.assertEqual(ec2_left, [])


class CodeBuildEncryptionKey(unittest.TestCase):
    def test_encryption_key_kept(self):
        cb = client("codebuild")
        key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
        cb.create_project(name="tfgate-kms", source={"type": "NO_SOURCE", "buildspec": "version: 0.2"},
                          artifacts={"type": "NO_ARTIFACTS"}, encryptionKey=key,
                          environment={"type": "LINUX_CONTAINER", "image": "aws/codebuild/standard:7.0",
                                       "computeType": "BUILD_GENERAL1_SMALL"},
                          serviceRole="arn:aws:iam::123456789012:role/cb")
        self.assertEqual(cb.batch_get_projects(names=["tfgate-kms"])["projects"][0]["encryptionKey"], key)
        cb.delete_project(name="tfgate-kms")


class CloudFrontACMCertificate(unittest.TestCase):
    def test_acm_certificate_is_not_the_default_one(self):
        cf = client("cloudfront")
        cert = "arn:aws:acm:us-east-1:123456789012:certificate/abc"
        dist = cf.create_distribution(DistributionConfig={
            "CallerReference": "tfgate-acm", "Comment": "", "Enabled": True,
            "Origins": {"Quantity": 1, "Items": [{"Id": "alb", "DomainName": "alb.example.com",
                                                  "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443,
                                                                         "OriginProtocolPolicy": "https-only"}}]},
            "DefaultCacheBehavior": {"TargetOriginId": "alb", "ViewerProtocolPolicy": "redirect-to-https",
                                     "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"},
            "ViewerCertificate": {"ACMCertificateArn": cert, "SSLSupportMethod": "sni-only",
                                  "MinimumProtocolVersion": "TLSv1.2_2021"},
        })["Distribution"]
        vc = cf.get_distribution(Id=dist["Id"])["Distribution"]["DistributionConfig"]["ViewerCertificate"]
        self.assertFalse(vc["CloudFrontDefaultCertificate"])
        self.assertEqual((vc["ACMCertificateArn"], vc["SSLSupportMethod"]), (cert, "sni-only"))


class Inventory(unittest.TestCase):
    def test_deleted_or_aws_managed_objects_are_not_leftovers(self):
        ecs = client("ecs")
        ecs.create_cluster(clusterName="tfgate-inv")
        ecs.delete_cluster(cluster="tfgate-inv")
        kms = client("kms")
        key = kms.create_key()["KeyMetadata"]["KeyId"]
        kms.schedule_key_deletion(KeyId=key, PendingWindowInDays=7)
        # An AWS-managed key appears on first use of alias/aws/secretsmanager.
        sm = client("secretsmanager")
        sm.create_secret(Name="tfgate-inv", SecretString="x")
        sm.delete_secret(SecretId="tfgate-inv", RecoveryWindowInDays=7)
        left = [r for r in leftovers() if r["service"] in ("ecs", "kms", "secretsmanager")]
        self.assertEqual(left, [])


class Middleware(unittest.TestCase):
    def test_unrouted_operation_of_known_service_is_not_implemented(self):
        with self.assertRaises(ClientError) as ctx:
            client("backup").describe_restore_job(RestoreJobId="1")
        err = ctx.exception.response
        self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], 501)
        self.assertEqual(err["Error"]["Code"], "NotImplemented")
        self.assertIn("GET /restore-jobs/1", err["Error"]["Message"])
        # a real "not found" of a routed operation stays a 404
        with self.assertRaises(ClientError) as ctx:
            client("s3").head_bucket(Bucket="tfgate-no-such-bucket")
        self.assertEqual(ctx.exception.response["ResponseMetadata"]["HTTPStatusCode"], 404)

    def test_chunked_request_body_reaches_moto(self):
        import http.client
        from urllib.parse import urlparse

        s3 = client("s3")
        s3.create_bucket(Bucket="tfgate-chunked")
        u = urlparse(ENDPOINT)
        conn = http.client.HTTPConnection(u.hostname, u.port)
        conn.putrequest("PUT", "/tfgate-chunked/obj")
        conn.putheader("Transfer-Encoding", "chunked")
        conn.putheader("Authorization", "AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/s3/aws4_request, "
                                        "SignedHeaders=host, Signature=0")
        conn.endheaders()
        for chunk in (b"hello ", b"chunked world"):
            conn.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        conn.send(b"0\r\n\r\n")
        self.assertEqual(conn.getresponse().status, 200)
        body = s3.get_object(Bucket="tfgate-chunked", Key="obj")["Body"].read()
        self.assertEqual(body, b"hello chunked world")
        s3.delete_object(Bucket="tfgate-chunked", Key="obj")
        s3.delete_bucket(Bucket="tfgate-chunked")


if __name__ == "__main__":
    unittest.main()
