"""docs/restore-runbook.md, step by step, against the emulator (boto3; run by emulator_test.go's
TestRestoreRunbook with AWS_ENDPOINT_URL pointing at a fresh emulator).

Each test method is one path of the runbook and calls the same APIs, with the same parameters, as
its `aws` commands, on a stack shaped like terraform/ (encrypted PostgreSQL with an RDS-managed
secret, parameter group, RDS Proxy, SSM parameters, ECS services, AWS Backup vault and plan).
What the emulator cannot do is asserted as such (test_backup_restore_job), so a later moto that
implements it makes this file say so, and listed in the runbook's "Exercised on the emulator".
"""

import os
import unittest

import boto3
from botocore.exceptions import ClientError

ENDPOINT = os.environ["AWS_ENDPOINT_URL"]
NAME = "saprism-production"
DB = NAME + "-db"


def client(name):
    return boto3.client(name, region_name="us-east-1")


class Stack:
    """The parts of the production stack the runbook touches."""

    def __init__(self):
        ec2, rds, kms = client("ec2"), client("rds"), client("kms")
        self.vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        self.subnets = [ec2.create_subnet(VpcId=self.vpc, CidrBlock="10.0.%d.0/24" % (20 + i),
                                          AvailabilityZone="us-east-1" + az)["Subnet"]["SubnetId"]
                        for i, az in enumerate("ab")]
        self.db_sg = ec2.create_security_group(GroupName=NAME + "-db", Description="db", VpcId=self.vpc)["GroupId"]
        self.key = kms.create_key()["KeyMetadata"]["Arn"]
        self.secrets_key = kms.create_key()["KeyMetadata"]["Arn"]
        rds.create_db_subnet_group(DBSubnetGroupName=DB, DBSubnetGroupDescription="db", SubnetIds=self.subnets)
        rds.create_db_parameter_group(DBParameterGroupName=NAME + "-postgres16", DBParameterGroupFamily="postgres16",
                                      Description="params")
        db = rds.create_db_instance(
            DBInstanceIdentifier=DB, Engine="postgres", EngineVersion="16.4", DBInstanceClass="db.t3.medium",
            AllocatedStorage=20, MasterUsername="saprism_admin", ManageMasterUserPassword=True,
            MasterUserSecretKmsKeyId=self.secrets_key, StorageEncrypted=True, KmsKeyId=self.key,
            DBSubnetGroupName=DB, VpcSecurityGroupIds=[self.db_sg], DBParameterGroupName=NAME + "-postgres16",
            MultiAZ=True, DeletionProtection=True, BackupRetentionPeriod=14, DBName="saprism",
        )["DBInstance"]
        self.db_arn = db["DBInstanceArn"]
        self.db_resource_id = db["DbiResourceId"]
        self.secret = db["MasterUserSecret"]["SecretArn"]
        iam = client("iam")
        role = iam.create_role(RoleName=NAME + "-db-proxy", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
        self.proxy = rds.create_db_proxy(
            DBProxyName=DB, EngineFamily="POSTGRESQL", RoleArn=role, VpcSubnetIds=self.subnets,
            VpcSecurityGroupIds=[self.db_sg], RequireTLS=True,
            Auth=[{"AuthScheme": "SECRETS", "SecretArn": self.secret, "IAMAuth": "DISABLED"}],
        )["DBProxy"]
        rds.register_db_proxy_targets(DBProxyName=DB, TargetGroupName="default", DBInstanceIdentifiers=[DB])
        ssm = client("ssm")
        prefix = "/saprism/production/"
        ssm.put_parameter(Name=prefix + "database_url", Type="SecureString",
                          Value="postgresql://saprism_admin@%s:5432/saprism?sslmode=require" % self.proxy["Endpoint"])
        ssm.put_parameter(Name=prefix + "database_secret_arn", Type="SecureString", Value=self.secret)
        ecs = client("ecs")
        ecs.create_cluster(clusterName=NAME + "-cluster")
        td = ecs.register_task_definition(family=NAME, containerDefinitions=[
            {"name": "app", "image": "app:1", "memory": 512}])["taskDefinition"]["taskDefinitionArn"]
        aas = client("application-autoscaling")
        for svc in (NAME + "-service", NAME + "-ws"):
            ecs.create_service(cluster=NAME + "-cluster", serviceName=svc, taskDefinition=td, desiredCount=2)
            aas.register_scalable_target(ServiceNamespace="ecs", ResourceId="service/%s-cluster/%s" % (NAME, svc),
                                         ScalableDimension="ecs:service:DesiredCount", MinCapacity=2, MaxCapacity=10)
        backup = client("backup")
        backup.create_backup_vault(BackupVaultName=NAME + "-backup", EncryptionKeyArn=self.key)


class RestoreRunbook(unittest.TestCase):
    def setUp(self):
        import urllib.request

        urllib.request.urlopen(urllib.request.Request(ENDPOINT + "/moto-api/reset", method="POST"))
        self.s = Stack()
        self.rds = client("rds")

    def restored_settings(self):
        """Step 2's common flags: the restored instance gets the stack's network, parameters,
        protection and a fresh RDS-managed secret."""
        return dict(DBSubnetGroupName=DB, VpcSecurityGroupIds=[self.s.db_sg],
                    DBParameterGroupName=NAME + "-postgres16", MultiAZ=True, DeletionProtection=True,
                    CopyTagsToSnapshot=True, PubliclyAccessible=False,
                    ManageMasterUserPassword=True, MasterUserSecretKmsKeyId=self.s.secrets_key)

    def check_restored(self, ident):
        db = self.rds.describe_db_instances(DBInstanceIdentifier=ident)["DBInstances"][0]
        self.assertEqual(db["DBSubnetGroup"]["DBSubnetGroupName"], DB)
        self.assertEqual([g["VpcSecurityGroupId"] for g in db["VpcSecurityGroups"]], [self.s.db_sg])
        self.assertEqual([g["DBParameterGroupName"] for g in db["DBParameterGroups"]], [NAME + "-postgres16"])
        self.assertTrue(db["StorageEncrypted"])
        self.assertTrue(db["DeletionProtection"])
        self.assertEqual(db["DBInstanceStatus"], "available")
        return db

    def switch_and_verify(self, restored):
        """Steps 3-5: stop the services, swap identifiers, point the proxy and the secret at the
        restored instance, start the services, verify, clean up."""
        ecs, ssm = client("ecs"), client("ssm")
        cluster = NAME + "-cluster"
        restored_id = self.rds.describe_db_instances(DBInstanceIdentifier=restored)["DBInstances"][0]["DbiResourceId"]
        aas = client("application-autoscaling")
        for svc in (NAME + "-service", NAME + "-ws"):  # 3a: auto-scaling must not bring tasks back
            aas.register_scalable_target(ServiceNamespace="ecs", ResourceId="service/%s/%s" % (cluster, svc),
                                         ScalableDimension="ecs:service:DesiredCount", MinCapacity=0)
            ecs.update_service(cluster=cluster, service=svc, desiredCount=0)
        mins = [t["MinCapacity"] for t in aas.describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"]]
        self.assertEqual(mins, [0, 0])
        # 3b: take the damaged instance out of the proxy, rename it away and the restored one to
        # the stack's identifier
        self.rds.deregister_db_proxy_targets(DBProxyName=DB, TargetGroupName="default", DBInstanceIdentifiers=[DB])
        self.assertEqual(self.rds.describe_db_proxy_targets(DBProxyName=DB)["Targets"], [])
        self.rds.modify_db_instance(DBInstanceIdentifier=DB, NewDBInstanceIdentifier=DB + "-old", ApplyImmediately=True)
        self.rds.modify_db_instance(DBInstanceIdentifier=restored, NewDBInstanceIdentifier=DB, ApplyImmediately=True)
        db = self.rds.describe_db_instances(DBInstanceIdentifier=DB)["DBInstances"][0]
        self.assertEqual(db["DbiResourceId"], restored_id, "the stack's identifier must now name the restored instance")
        old = self.rds.describe_db_instances(DBInstanceIdentifier=DB + "-old")["DBInstances"][0]
        self.assertEqual(old["DbiResourceId"], self.s.db_resource_id)
        # 3c: the proxy targets the restored instance
        self.rds.register_db_proxy_targets(DBProxyName=DB, TargetGroupName="default", DBInstanceIdentifiers=[DB])
        targets = self.rds.describe_db_proxy_targets(DBProxyName=DB)["Targets"]
        self.assertEqual([t["RdsResourceId"] for t in targets], [DB])
        # 3d: the restored instance's secret (the app reads DATABASE_SECRET_ARN)
        new_secret = db["MasterUserSecret"]["SecretArn"]
        self.assertNotEqual(new_secret, self.s.secret, "a restored instance gets its own managed secret")
        self.rds.modify_db_proxy(DBProxyName=DB, Auth=[{"AuthScheme": "SECRETS", "SecretArn": new_secret,
                                                        "IAMAuth": "DISABLED"}])
        auth = self.rds.describe_db_proxies(DBProxyName=DB)["DBProxies"][0]["Auth"]
        self.assertEqual([a["SecretArn"] for a in auth], [new_secret])
        ssm.put_parameter(Name="/saprism/production/database_secret_arn", Type="SecureString",
                          Value=new_secret, Overwrite=True)
        self.assertEqual(ssm.get_parameter(Name="/saprism/production/database_secret_arn",
                                           WithDecryption=True)["Parameter"]["Value"], new_secret)
        # DATABASE_URL names the proxy and is unchanged by the switch
        url = ssm.get_parameter(Name="/saprism/production/database_url", WithDecryption=True)["Parameter"]["Value"]
        self.assertIn(self.s.proxy["Endpoint"], url)
        # 3e: start the services again, new tasks read the parameters
        for svc in (NAME + "-service", NAME + "-ws"):
            aas.register_scalable_target(ServiceNamespace="ecs", ResourceId="service/%s/%s" % (cluster, svc),
                                         ScalableDimension="ecs:service:DesiredCount", MinCapacity=2)
            ecs.update_service(cluster=cluster, service=svc, desiredCount=2, forceNewDeployment=True)
        svcs = ecs.describe_services(cluster=cluster, services=[NAME + "-service", NAME + "-ws"])["services"]
        self.assertEqual([s["desiredCount"] for s in svcs], [2, 2])
        # 5: clean up the damaged instance after the grace period, keeping a final snapshot
        self.rds.modify_db_instance(DBInstanceIdentifier=DB + "-old", DeletionProtection=False, ApplyImmediately=True)
        self.rds.delete_db_instance(DBInstanceIdentifier=DB + "-old", SkipFinalSnapshot=False,
                                    FinalDBSnapshotIdentifier=DB + "-old-final")
        snaps = self.rds.describe_db_snapshots(DBSnapshotIdentifier=DB + "-old-final")["DBSnapshots"]
        self.assertEqual(len(snaps), 1)

    def test_point_in_time_restore(self):
        # 1: how far back can we go
        db = self.rds.describe_db_instances(DBInstanceIdentifier=DB)["DBInstances"][0]
        self.assertIn("LatestRestorableTime", db)
        # 2a: restore to a time into a new instance
        self.rds.restore_db_instance_to_point_in_time(
            SourceDBInstanceIdentifier=DB, TargetDBInstanceIdentifier=DB + "-restore",
            RestoreTime=db["LatestRestorableTime"], **self.restored_settings())
        self.check_restored(DB + "-restore")
        self.switch_and_verify(DB + "-restore")

    def test_snapshot_restore(self):
        # 2b: list the snapshots (automated, AWS Backup's awsbackup:job-*, manual) and restore one
        self.rds.create_db_snapshot(DBInstanceIdentifier=DB, DBSnapshotIdentifier=DB + "-manual")
        snaps = self.rds.describe_db_snapshots(DBInstanceIdentifier=DB)["DBSnapshots"]
        arns = [s["DBSnapshotArn"] for s in snaps if s["DBSnapshotIdentifier"] == DB + "-manual"]
        self.assertEqual(len(arns), 1)
        self.rds.restore_db_instance_from_db_snapshot(
            DBInstanceIdentifier=DB + "-restore", DBSnapshotIdentifier=arns[0], **self.restored_settings())
        self.check_restored(DB + "-restore")
        self.switch_and_verify(DB + "-restore")

    def test_backup_restore_job(self):
        """2c (AWS Backup recovery point): listing works, the emulator holds no recovery points (it
        never runs a backup job) and has no restore jobs; both are asserted so the runbook's list
        of unexercised steps stays true."""
        backup = client("backup")
        points = backup.list_recovery_points_by_backup_vault(BackupVaultName=NAME + "-backup",
                                                             ByResourceArn=self.s.db_arn)["RecoveryPoints"]
        self.assertEqual(points, [])
        for call in (
            lambda: backup.get_recovery_point_restore_metadata(
                BackupVaultName=NAME + "-backup",
                RecoveryPointArn="arn:aws:rds:us-east-1:123456789012:snapshot:awsbackup:job-1"),
            lambda: backup.start_restore_job(
                RecoveryPointArn="arn:aws:rds:us-east-1:123456789012:snapshot:awsbackup:job-1",
                IamRoleArn="arn:aws:iam::123456789012:role/%s-backup" % NAME,
                Metadata={"DBInstanceIdentifier": DB + "-restore"}),
            lambda: backup.describe_restore_job(RestoreJobId="1"),
        ):
            with self.assertRaises(ClientError) as ctx:
                call()
            self.assertEqual(ctx.exception.response["Error"]["Code"], "NotImplemented")


if __name__ == "__main__":
    unittest.main()
