#!/usr/bin/env python3
"""Runs the SAM transform (aws-sam-translator, the library SAM CLI and CloudFormation's AWS::Serverless transform use)
on a SAM template, offline, and writes the CloudFormation template it produces as JSON.

usage: sam-translate.py TEMPLATE OUTPUT [REGION]   (REGION: for AWS::Region and AWS::Partition, default us-east-1)

As `sam validate` does (samcli/lib/translate/sam_template_validator.py), local CodeUri/DefinitionUri paths become a
placeholder S3 URI (`sam deploy` uploads them and puts the S3 location there). Managed policies are looked up in the
local map below instead of IAM's ListPolicies, so no AWS account or network is needed; a policy the template names
that is not in the map fails the run, naming it.
"""
import json
import sys

import boto3

from samtranslator.parser.parser import Parser
from samtranslator.public.exceptions import InvalidDocumentException
from samtranslator.translator.translator import Translator
from samtranslator.yaml_helper import yaml_parse

# AWS managed policies the template may name, with their ARNs (aws partition; see IAM's policy list).
MANAGED_POLICIES = {
    "AWSLambdaBasicExecutionRole": "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
    "AWSLambdaVPCAccessExecutionRole": "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole",
    "AWSXrayWriteOnlyAccess": "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess",
    "AWSXRayDaemonWriteAccess": "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess",
    "CloudWatchLogsFullAccess": "arn:aws:iam::aws:policy/CloudWatchLogsFullAccess",
}

PLACEHOLDER_S3_URI = "s3://bucket/value"


def replace_local_uris(template):
    """Local paths to a placeholder S3 URI, as SamTemplateValidator._replace_local_codeuri does."""
    def to_s3(properties, key):
        value = properties.get(key, ".")
        if isinstance(value, dict) or (isinstance(value, str) and value.startswith("s3://")):
            return
        properties[key] = PLACEHOLDER_S3_URI

    globals_function = template.get("Globals", {}).get("Function")
    if isinstance(globals_function, dict):
        to_s3(globals_function, "CodeUri")
    for resource in template.get("Resources", {}).values():
        kind, properties = resource.get("Type"), resource.setdefault("Properties", {})
        if kind == "AWS::Serverless::Function" and properties.get("PackageType", "Zip") == "Zip":
            to_s3(properties, "CodeUri")
        elif kind == "AWS::Serverless::LayerVersion":
            to_s3(properties, "ContentUri")
        elif kind in ("AWS::Serverless::Api", "AWS::Serverless::HttpApi", "AWS::Serverless::StateMachine") and "DefinitionUri" in properties:
            to_s3(properties, "DefinitionUri")


def main(argv):
    if len(argv) not in (3, 4):
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        template = yaml_parse(f.read())
    replace_local_uris(template)
    def policy_map():
        return MANAGED_POLICIES

    region = argv[3] if len(argv) == 4 else "us-east-1"
    # A session only for its region name: nothing is called.
    session = boto3.session.Session(region_name=region)
    translator = Translator(managed_policy_map=None, sam_parser=Parser(), plugins=[], boto_session=session)
    try:
        output = translator.translate(sam_template=template, parameter_values={}, get_managed_policy_map=policy_map)
    except InvalidDocumentException as e:
        print("SAM transform failed: " + " ".join([e.message] + [getattr(c, "message", str(c)) for c in e.causes]), file=sys.stderr)
        return 1
    unknown = sorted(
        arn
        for resource in output.get("Resources", {}).values()
        if resource.get("Type") == "AWS::IAM::Role"
        for arn in resource.get("Properties", {}).get("ManagedPolicyArns", [])
        if isinstance(arn, str) and not arn.startswith("arn:")
    )
    if unknown:
        print(f"managed policies not in MANAGED_POLICIES of {__file__}: {', '.join(unknown)}", file=sys.stderr)
        return 1
    with open(argv[2], "w", encoding="utf-8") as f:
        json.dump(output, f, indent=2, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
