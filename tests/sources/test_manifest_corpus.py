# ruff: noqa: E501  (corpus file names are long)
"""Every file in tests/fixtures/corpus/manifests is read, and yields the workloads a person counts.

The table below was written by reading each file: for every GPU-bearing group, the
accelerator a person would name (None when the file does not say), accelerators per unit
(pod, node, machine), units, capacity type, and the run time the file declares. Files that
request no accelerators yield no AI workload (they are counted as non-AI resources).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from aicost.pipeline import CheckResult, run_check
from aicost.policy.loader import load_policy
from tests.conftest import CORPUS, REPO, Runner

MANIFESTS = CORPUS / "manifests"
FILES = sorted(MANIFESTS.iterdir())
UNNAMED = "GPU (type not named)"

# file -> [(object, component, accelerator, per unit, units, purchase, run hours)]
Row = tuple[str, str | None, str | None, float, int, str, str | None]
EXPECTED: dict[str, list[Row]] = {
    "Azure__azureml-examples__cli_foundation-models_meta-llama-3_inference_meta-llama-3-70b-instruct_deploy.yml": [
        ("azureml-online-deployment/demo", None, "A100-80GB", 2, 1, "on-demand", None),
    ],
    "Azure__azureml-examples__cli_jobs_basics_hello-sweep.yml": [],
    "Azure__azureml-examples__cli_jobs_basics_hello-world-org.yml": [],
    "Azure__azureml-examples__cli_jobs_deepspeed_deepspeed-training_job.yml": [
        # compute gpu-v100-cluster, 8 processes per instance x 2 instances, timeout 900 s
        ("azureml-command/deepspeed-training-example", None, "V100", 8, 2, "on-demand", "0.25"),
    ],
    "Azure__azureml-examples__cli_jobs_finetuning_standalone_model-as-a-platform_chat-completion_chat-completion-finetuning-instance-types.yaml": [
        (
            "azureml-finetuning/Phi-3-mini-4k-instruct-with-instance-types",
            None,
            "A100-80GB",
            4,
            1,
            "on-demand",
            None,
        ),
    ],
    "Azure__azureml-examples__cli_jobs_pipelines-with-components_basics_6b_pytorch_hello_world_pipeline.yml": [
        ("azureml-pipeline/6b_pytorch_hello_world", None, UNNAMED, 2, 2, "on-demand", None),
    ],
    "Azure__azureml-examples__cli_jobs_single-step_pytorch_cifar-distributed_job.yml": [
        (
            "azureml-command/pytorch-cifar-distributed-example",
            None,
            UNNAMED,
            1,
            2,
            "on-demand",
            None,
        ),
    ],
    "Azure__azureml-examples__cli_resources_compute_cluster-low-priority.yml": [],  # DS3_v2: CPU
    "GoogleCloudPlatform__ai-on-gke__tutorials-and-examples_gpu-examples_training-single-gpu_src_gke-config_standard-tf-mnist-train.yaml": [
        ("Job/mnist-training-job", None, "T4", 1, 1, "on-demand", None),
    ],
    "GoogleCloudPlatform__ai-on-gke__tutorials-and-examples_inference-servers_jetstream_pytorch_single-host-inference_deployment.yaml": [
        ("Deployment/jetstream-pytorch-server", None, "TPU-v5e", 8, 2, "on-demand", None),
    ],
    "GoogleCloudPlatform__ai-on-gke__tutorials-and-examples_tpu-examples_training_mnist-single-tpu_src_gke-config_standard-tf-mnist-train-v5e.yaml": [
        ("Job/mnist-training-job", None, "TPU-v5e", 4, 1, "on-demand", None),
    ],
    # SageMaker samples use CPU instance types (ml.m4.xlarge, ml.c5.*), or serverless.
    "aws-controllers-k8s__sagemaker-controller__pkg_resource_endpoint_config_testdata_sdkapi_describe_sucess_serverless.json": [],
    "aws-controllers-k8s__sagemaker-controller__pkg_resource_training_job_testdata_sdkapi_describe_inprogress_describe.json": [],
    "aws-controllers-k8s__sagemaker-controller__pkg_resource_training_job_testdata_sdkapi_describe_inprogress_describe_instance_group.json": [],
    "aws-controllers-k8s__sagemaker-controller__samples_endpoint_endpoint_config.yaml": [],
    "aws-controllers-k8s__sagemaker-controller__samples_hyperparameter_tuning_my-hyperparameter-job.yaml": [],
    "aws-controllers-k8s__sagemaker-controller__samples_training_my-training-job.yaml": [],
    "aws-ia__terraform-aws-eks-blueprints__patterns_multi-node-vllm_lws.yaml": [
        ("LeaderWorkerSet/vllm", "leader", UNNAMED, 1, 1, "on-demand", None),
        ("LeaderWorkerSet/vllm", "workers", UNNAMED, 1, 3, "on-demand", None),
    ],
    "awslabs__data-on-eks__data-stacks_ray-on-eks_examples_ray-batch-inference_03-rayservice-deepseek-r1-8b.yaml": [
        ("RayService/deepseek-r1-8b", "gpu-workers", "L40S", 1, 1, "on-demand", None),
    ],
    "awslabs__data-on-eks__data-stacks_ray-on-eks_examples_ray-batch-inference_06-rayjob-batch-native.yaml": [
        ("RayJob/ticket-batch-native", "gpu-workers", "L40S", 1, 1, "on-demand", None),
    ],
    "awslabs__data-on-eks__data-stacks_spark-on-eks_examples_spark-rapids_spark-rapids-app-gpus.yaml": [
        ("SparkApplication/spark-rapids-yunikorn", "executors", UNNAMED, 1, 1, "on-demand", None),
    ],
    "awslabs__data-on-eks__infra_terraform_manifests_karpenter_nodepool-gpu-g6.yaml": [],  # infra
    "dstackai__dstack__examples_.dstack.yml": [
        # gpu: 1 (any GPU) -> the cheapest GPU; spot_policy auto
        ("dstack-dev-environment/vscode", None, "T4", 1, 1, "spot", None),
    ],
    "dstackai__dstack__examples_clusters_gcp_a3mega-nccl-tests.dstack.yml": [
        ("dstack-task/nccl-tests", None, None, 0, 2, "spot", None),  # GPUs from its fleet
    ],
    "dstackai__dstack__examples_clusters_gcp_a4-fleet.dstack.yml": [
        ("dstack-fleet/a4-cluster", None, "B200", 8, 2, "spot", None),
    ],
    "dstackai__dstack__examples_deployment_vllm_.dstack.yml": [
        # gpu: 24GB -> the cheapest 24 GB GPU; the spot line is commented out
        ("dstack-service/llama31", None, "L4", 1, 1, "on-demand", None),
    ],
    "dstackai__dstack__examples_distributed-training_torchrun_.dstack.yml": [
        ("dstack-task/train-distrib", None, "T4", 1, 2, "on-demand", None),  # gpu: 1..8
    ],
    "dstackai__dstack__examples_fine-tuning_alignment-handbook_fleet-distrib.dstack.yml": [
        ("dstack-fleet/ah-fleet-distrib", None, "L4", 1, 2, "on-demand", None),
    ],
    "dstackai__dstack__examples_models_gpt-oss_amd_120b.dstack.yml": [
        ("dstack-service/gpt-oss-120b", None, "MI300X", 8, 1, "on-demand", None),
    ],
    "dstackai__dstack__examples_single-node-training_optimum-tpu_llama31_.dstack.yml": [
        ("dstack-task/train-tpu", None, "TPU-v5e", 8, 1, "on-demand", None),
    ],
    "kserve__kserve__docs_samples_accelerators_tensorflow-gpu.yaml": [
        ("InferenceService/tensorflow-gpu", None, "T4", 1, 1, "on-demand", None),
    ],
    "kserve__kserve__docs_samples_autoscaling_autoscale_gpu.yaml": [
        ("InferenceService/flowers-sample-gpu", None, UNNAMED, 1, 1, "on-demand", None),
    ],
    "kserve__kserve__docs_samples_fluid_kserve-isvc.yaml": [
        ("InferenceService/llama-31-8b-instruct", None, "A10G", 1, 1, "on-demand", None),
    ],
    "kserve__kserve__docs_samples_llmisvc_dp-ep_deepseek-r1-gpu-rdma-roce_llm-inference-service-dp-ep-deepseek-r1-gpu-deepep-ht.yaml": [
        ("LLMInferenceService/deepseek-r1-0528", "leader", UNNAMED, 8, 1, "on-demand", None),
        ("LLMInferenceService/deepseek-r1-0528", "workers", UNNAMED, 8, 3, "on-demand", None),
    ],
    "kserve__kserve__docs_samples_llmisvc_single-node-gpu_llm-inference-service-qwen2-7b-gpu.yaml": [
        ("LLMInferenceService/qwen2-7b-instruct-single", None, UNNAMED, 1, 3, "on-demand", None),
    ],
    "kserve__kserve__docs_samples_storage_hf_hf_isvc.yaml": [
        ("InferenceService/huggingface-llama2", None, UNNAMED, 1, 1, "on-demand", None),
    ],
    "kubeflow__mpi-operator__examples_v2beta1_tensorflow-benchmarks_tensorflow-benchmarks.yaml": [
        ("MPIJob/tensorflow-benchmarks", "Worker", UNNAMED, 1, 2, "on-demand", None),
    ],
    "kubeflow__training-operator__examples_paddlepaddle_simple-gpu.yaml": [
        ("PaddleJob/paddle-simple-gpu", None, UNNAMED, 2, 2, "on-demand", None),
    ],
    "kubeflow__training-operator__examples_pytorch_deepspeed-demo_pytorch_deepspeed_demo.yaml": [
        ("PyTorchJob/pytorch-deepspeed-demo", "Master", UNNAMED, 1, 1, "on-demand", None),
        ("PyTorchJob/pytorch-deepspeed-demo", "Worker", UNNAMED, 1, 1, "on-demand", None),
    ],
    "kubeflow__training-operator__examples_pytorch_elastic_imagenet_imagenet.yaml": [],  # CPU
    "kubeflow__training-operator__examples_pytorch_mnist_v1_pytorch_job_mnist_nccl.yaml": [
        ("PyTorchJob/pytorch-dist-mnist-nccl", "Master", UNNAMED, 1, 1, "on-demand", None),
        ("PyTorchJob/pytorch-dist-mnist-nccl", "Worker", UNNAMED, 1, 1, "on-demand", None),
    ],
    "kubeflow__training-operator__examples_pytorch_simple.yaml": [],  # CPU baseline
    "kubeflow__training-operator__examples_tensorflow_distribution_strategy_multi_worker_tfjob.yaml": [
        ("TFJob/multi-worker", None, UNNAMED, 1, 2, "on-demand", None),
    ],
    "ray-project__kuberay__ray-operator_config_samples_pytorch-resnet-image-classifier_ray-job.pytorch-image-classifier.yaml": [
        ("RayJob/pytorch-image-classifier-*", "gpu-group", UNNAMED, 1, 4, "on-demand", None),
    ],
    "ray-project__kuberay__ray-operator_config_samples_ray-cluster-label-selector.yaml": [
        # 0 replicas now (0-10), 1 A100 each from the Ray group resources, on GKE spot nodes:
        # the autoscaler adds workers when tasks ask for GPUs, so it is priced at 1 replica
        ("RayCluster/ray-label-cluster", "accelerator-group", "A100", 1, 1, "spot", None),
    ],
    "ray-project__kuberay__ray-operator_config_samples_ray-cluster.tpu-v6e-16-multihost.yaml": [
        (
            "RayCluster/raycluster-tpu-v6e-multihost",
            "tpu-group",
            "TPU-v6e",
            4,
            4,
            "on-demand",
            None,
        ),
    ],
    "ray-project__kuberay__ray-operator_config_samples_ray-job.batch-inference.yaml": [
        ("RayJob/rayjob-sample", None, "T4", 4, 1, "on-demand", None),  # the head holds 4 GPUs
    ],
    "ray-project__kuberay__ray-operator_config_samples_ray-job.sample.yaml": [],  # CPU
    "ray-project__kuberay__ray-operator_config_samples_ray-service.deepseek.yaml": [
        ("RayService/deepseek-r1", "gpu-group", UNNAMED, 8, 2, "on-demand", None),
    ],
    "ray-project__kuberay__ray-operator_config_samples_ray-service.stable-diffusion.yaml": [
        ("RayService/stable-diffusion", "gpu-group", UNNAMED, 1, 1, "on-demand", None),
    ],
    "skypilot-org__skypilot__examples_aws-neuron_inferentia.yaml": [
        (
            "SkyPilotTask/skypilot-org__skypilot__examples_aws-neuron_inferentia",
            None,
            "Inferentia2",
            6,
            1,
            "on-demand",
            None,
        ),
    ],
    "skypilot-org__skypilot__examples_distributed-pytorch_train.yaml": [
        ("SkyPilotTask/minGPT-ddp", None, "L4", 1, 2, "on-demand", None),
    ],
    "skypilot-org__skypilot__examples_spot_bert_qa.yaml": [
        ("SkyPilotTask/bert_qa", None, "V100", 1, 1, "spot", None),
    ],
    "skypilot-org__skypilot__examples_spot_resnet.yaml": [
        ("SkyPilotTask/resnet", None, "V100", 4, 1, "on-demand", None),  # use_spot commented out
    ],
    "skypilot-org__skypilot__examples_tpu_tpuvm_mnist.yaml": [
        ("SkyPilotTask/tpuvm_mnist", None, "TPU-v2", 4, 1, "on-demand", None),  # v2-8: 4 chips
    ],
    "skypilot-org__skypilot__llm_vllm_service.yaml": [
        # {L4:1, A10G:1, ...}: the first alternative, 2 service replicas
        (
            "SkyPilotService/skypilot-org__skypilot__llm_vllm_service",
            None,
            "L4",
            1,
            2,
            "on-demand",
            None,
        ),
    ],
    "volcano-sh__volcano__example_MindSpore-example_mindspore_gpu_mindspore-gpu.yaml": [
        ("Job/mindspore-gpu", "mpiworker", UNNAMED, 1, 2, "on-demand", None),
    ],
    "volcano-sh__volcano__example_integrations_tensorflow_dist-mnist_tf-dist-mnist-example.yaml": [],
    "volcano-sh__volcano__example_job.yaml": [],
}


def _check(path: Path) -> CheckResult:
    return run_check([path], load_policy(REPO / "policies" / "default.yaml"))


def test_the_table_covers_every_corpus_manifest() -> None:
    assert sorted(p.name for p in FILES) == sorted(EXPECTED)


@pytest.mark.parametrize("path", FILES, ids=[p.name[:70] for p in FILES])
def test_corpus_manifest_yields_the_workloads_a_person_counts(path: Path) -> None:
    result = _check(path)
    assert result.inputs[0].kind != "terraform-plan"
    found = []
    for item in result.workloads:
        planned = item.workload.planned
        assert planned is not None
        accelerator = planned.accelerator
        found.append(
            (
                item.workload.address.split(":", 1)[1],
                item.workload.component,
                accelerator.name if accelerator else None,
                accelerator.count if accelerator else 0,
                planned.node_count,
                planned.purchase_option,
                None if planned.run_hours is None else str(planned.run_hours.normalize()),
            )
        )
        # never a silent $0: priced, or unpriced with a reason
        assert item.priced or item.unpriced_reason
    assert found == EXPECTED[path.name]
    if not EXPECTED[path.name]:
        # files without accelerators are read, and counted as non-AI or other resources
        assert sum(result.non_ai.values()) + sum(result.other.values()) >= 1


@pytest.mark.parametrize("path", FILES, ids=[p.name[:70] for p in FILES])
def test_corpus_manifest_reports_resources_in_the_plan_shape(aicost: Runner, path: Path) -> None:
    result = aicost("check", path, "--format", "json")
    assert result.code in (0, 1), result.err
    report = result.json
    for resource in report["resources"]:
        assert resource["address"].startswith(f"{path}:")
        assert {"workload", "gpus", "monthly_cost", "priced"} <= set(resource)
        assert resource["gpus"] == (
            resource["planned"]["accelerator"]["count"] * resource["planned"]["nodes"]
            if resource["planned"]["accelerator"]
            else 0
        )


def test_ray_gpu_group_that_scales_from_zero_is_not_zero_dollars() -> None:
    result = _check(
        MANIFESTS
        / "ray-project__kuberay__ray-operator_config_samples_ray-cluster-label-selector.yaml"
    )
    (item,) = result.workloads
    assert item.planned_cost is not None and item.planned_cost.monthly
    assert item.planned_cost.monthly > 0
    planned = item.workload.planned
    assert planned is not None and (planned.min_nodes, planned.max_nodes) == (0, 10)
    assert any("scales from zero" in note for note in planned.notes)


def test_multi_document_files_skip_services_and_configmaps() -> None:
    result = _check(
        MANIFESTS / "aws-ia__terraform-aws-eks-blueprints__patterns_multi-node-vllm_lws.yaml"
    )
    assert result.other == {"v1/Service": 1}
    assert (
        sum(w.workload.planned.accelerators_total for w in result.workloads if w.workload.planned)
        == 4
    )


def test_training_run_hours_come_from_the_manifest() -> None:
    result = _check(
        MANIFESTS / "Azure__azureml-examples__cli_jobs_deepspeed_deepspeed-training_job.yml"
    )
    planned = result.workloads[0].workload.planned
    assert planned is not None
    assert planned.run_hours == Decimal(900) / 3600
    assert planned.workload_class.value == "training"
