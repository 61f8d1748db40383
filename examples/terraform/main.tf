# Example configuration for the aicost README.
#
# A small but realistic GPU estate for two teams. Produce the plan JSON
# with scripts/regen_plans.sh example (writes examples/plan.json), or by hand:
#
#   terraform init && terraform plan -out=tfplan && terraform show -json tfplan > plan.json
#   aicost examples/plan.json
#
# What aicost should find here:
#   * aws_instance.pretrain   on-demand p5.48xlarge for training (should be spot)
#   * aws_instance.scratch    GPU box with no model/use-case/workload tags
#   * everything else is compliant; costs are attributed to team vision
#     (provider default_tags) or search (the ASG's own tags).

terraform {
  required_version = ">= 1.5.0"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "5.100.0"
    }
  }
}

provider "aws" {
  region = "us-east-1"

  # Fake, documented-example credentials so the plan can be made offline.
  access_key                  = "AKIAIOSFODNN7EXAMPLE"
  secret_key                  = "fake"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true

  default_tags {
    tags = {
      environment = "prod"
      team        = "vision"
    }
  }
}

locals {
  dl_ami  = "ami-0d1e2f3a4b5c6d7e8"
  subnets = ["subnet-0a1b2c3d4e5f60718", "subnet-0b2c3d4e5f6071829"]
}

# Pre-training on an on-demand 8xH100 box: expensive, and training should
# run on spot under the default policy.
resource "aws_instance" "pretrain" {
  ami           = local.dl_ami
  instance_type = "p5.48xlarge"
  subnet_id     = local.subnets[0]

  tags = {
    Name       = "vit-pretrain"
    workload   = "training"
    model      = "vit-huge"
    "use-case" = "pretraining"
  }
}

# Fine-tuning on spot.
resource "aws_instance" "finetune" {
  ami           = local.dl_ami
  instance_type = "g6e.12xlarge"
  subnet_id     = local.subnets[1]

  instance_market_options {
    market_type = "spot"
  }

  tags = {
    Name       = "sam-finetune"
    workload   = "training"
    model      = "sam-2"
    "use-case" = "segmentation"
  }
}

# Inference fleet: 2 x g5.12xlarge on reserved capacity.
resource "aws_launch_template" "chat" {
  name_prefix   = "chat-"
  image_id      = local.dl_ami
  instance_type = "g5.12xlarge"
}

resource "aws_autoscaling_group" "chat" {
  name                = "search-chat"
  desired_capacity    = 2
  min_size            = 2
  max_size            = 4
  vpc_zone_identifier = local.subnets

  launch_template {
    id      = aws_launch_template.chat.id
    version = "$Latest"
  }

  dynamic "tag" {
    for_each = {
      team              = "search"
      environment       = "prod"
      workload          = "inference"
      model             = "llama-70b"
      "use-case"        = "chat"
      "purchase-option" = "reserved"
    }
    content {
      key                 = tag.key
      value               = tag.value
      propagate_at_launch = true
    }
  }
}

# A GPU box somebody spun up by hand: only the default tags.
resource "aws_instance" "scratch" {
  ami           = local.dl_ami
  instance_type = "g4dn.xlarge"
  subnet_id     = local.subnets[0]
}

# Managed staging endpoint: 1 x ml.g5.2xlarge, covered by a SageMaker
# Savings Plan (staging inference has no reserved-capacity requirement).
resource "aws_sagemaker_model" "captioner" {
  name               = "blip-2-captioner"
  execution_role_arn = "arn:aws:iam::123456789012:role/vision-sagemaker-exec"

  primary_container {
    image = "763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-inference:2.1.0-transformers4.37.0-gpu-py310-cu118-ubuntu20.04"
  }
}

resource "aws_sagemaker_endpoint_configuration" "captioner" {
  name = "blip-2-captioner"

  production_variants {
    variant_name           = "primary"
    model_name             = aws_sagemaker_model.captioner.name
    instance_type          = "ml.g5.2xlarge"
    initial_instance_count = 1
  }

  tags = {
    environment       = "staging" # overrides the provider default_tags value
    workload          = "inference"
    model             = "blip-2"
    "use-case"        = "captioning"
    "purchase-option" = "savings-plan"
  }
}

resource "aws_sagemaker_endpoint" "captioner" {
  name                 = "blip-2-captioner"
  endpoint_config_name = aws_sagemaker_endpoint_configuration.captioner.name

  tags = {
    environment       = "staging" # overrides the provider default_tags value
    workload          = "inference"
    model             = "blip-2"
    "use-case"        = "captioning"
    "purchase-option" = "savings-plan"
  }
}
