#!/usr/bin/env python3
"""The hasura-blog-prod example in Python: the same stack as examples/hasura-blog-prod/main.ts.

    pip install -r requirements.txt
    cdk synth          # or: python app.py
Both write the cloud assembly to cdk.out/ (or to $CDK_OUTDIR when it is set, as `cdk synth` does).
"""
import os

from aws_cdk import App, Duration, Environment, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_logs as logs
from aws_cdk import aws_rds as rds
from cdk_hasura_nextjs import (
    HasuraConsoleOptions,
    HasuraNextjsPlatform,
    HasuraOptions,
    NextjsOptions,
    PlatformDatabaseOptions,
    PlatformLoadBalancerOptions,
    PlatformNetworkOptions,
)

NEXTJS_APP_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "nextjs-app")


def create_stack(app: App) -> Stack:
    stack = Stack(
        app,
        "HasuraBlogProd",
        env=Environment(account=os.environ.get("CDK_DEFAULT_ACCOUNT"), region="us-east-1"),
        description="Hasura Blog production: Hasura and Next.js on ECS Fargate, RDS PostgreSQL",
    )

    HasuraNextjsPlatform(
        stack,
        "Platform",
        platform_name="hasura-blog-prod",
        network=PlatformNetworkOptions(
            vpc_cidr="10.0.0.0/16",
            availability_zones=["us-east-1a", "us-east-1b"],
            nat_gateways=2,
            public_subnet_cidrs=["10.0.0.0/24", "10.0.1.0/24"],
            private_subnet_cidrs=["10.0.10.0/24", "10.0.11.0/24"],
        ),
        load_balancer=PlatformLoadBalancerOptions(
            deletion_protection=True,
            deregistration_delay=Duration.seconds(30),
        ),
        hasura=HasuraOptions(
            cpu=512,
            memory_limit_mib=1024,
            desired_count=2,
            dev_mode=False,
            # The reference serves the console on :8080; here only the operators' network may reach it.
            console=HasuraConsoleOptions(allowed_cidrs=["203.0.113.0/24"], insecure_allow_plain_http=True),
        ),
        nextjs=NextjsOptions(
            image=ecs.ContainerImage.from_asset(NEXTJS_APP_DIR),
            cpu=512,
            memory_limit_mib=1024,
            desired_count=2,
            expose_hasura_admin_secret=True,
            expose_jwt_signing_key=True,
        ),
        database=PlatformDatabaseOptions(
            # The reference names PostgreSQL 15.4, which RDS no longer creates; 15.17 is the current 15.x.
            engine_version=rds.PostgresEngineVersion.VER_15_17,
            instance_type=ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.MICRO),
            allocated_storage_gib=20,
            max_allocated_storage_gib=40,
            multi_az=False,
            backup_retention=Duration.days(7),
            preferred_backup_window="03:00-04:00",
            preferred_maintenance_window="mon:04:00-mon:05:00",
        ),
        log_retention=logs.RetentionDays.ONE_WEEK,
    )
    return stack


if __name__ == "__main__":
    # Without an outdir (and CDK_OUTDIR unset), aws-cdk-lib would write to a temporary folder.
    app = App(outdir=os.environ.get("CDK_OUTDIR", "cdk.out"))
    create_stack(app)
    app.synth()
