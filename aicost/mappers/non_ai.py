"""Resource types that take a machine type or an "accelerator" argument but run no AI
accelerator, each with the reason. The inventory test (tests/mappers/test_inventory.py)
asserts that every such type in the providers' schemas is either mapped by aicost or listed
here, so nothing that can carry GPUs is left out by accident.
"""

from __future__ import annotations

NON_AI: dict[str, str] = {
    # ---------------------------------------------------------------- hashicorp/aws
    "aws_cloudsearch_domain": "CloudSearch search instances (search.*): no accelerators",
    "aws_codecatalyst_dev_environment": "CodeCatalyst dev environments (dev.standard1.*) are CPU",
    "aws_dax_cluster": "DAX nodes (dax.*) are cache nodes without accelerators",
    "aws_default_vpc_dhcp_options": "netbios_node_type is a NetBIOS setting, not a machine",
    "aws_vpc_dhcp_options": "netbios_node_type is a NetBIOS setting, not a machine",
    "aws_eks_cluster": "outpost control_plane_instance_type runs the EKS control plane only",
    "aws_elasticache_cluster": "ElastiCache nodes (cache.*) have no accelerators",
    "aws_elasticache_global_replication_group": "ElastiCache nodes (cache.*)",
    "aws_elasticache_replication_group": "ElastiCache nodes (cache.*)",
    "aws_elasticache_reserved_cache_node": "ElastiCache reserved nodes (cache.*)",
    "aws_elasticsearch_domain": "search domain instances (*.search): no GPU types exist",
    "aws_opensearch_domain": "search domain instances (*.search): no GPU types exist",
    "aws_finspace_kx_cluster": "FinSpace kdb nodes (kx.s.*) are CPU",
    "aws_globalaccelerator_custom_routing_listener": "accelerator_arn is a network accelerator",
    "aws_globalaccelerator_listener": "accelerator_arn: a Global Accelerator (network)",
    "aws_m2_environment": "Mainframe Modernization environments (M2.m5/M2.r5) are CPU",
    "aws_memorydb_cluster": "MemoryDB nodes (db.*) have no accelerators",
    "aws_memorydb_multi_region_cluster": "MemoryDB nodes (db.*)",
    "aws_mq_broker": "Amazon MQ brokers (mq.*) are CPU",
    "aws_msk_cluster": "MSK brokers (kafka.*) are CPU",
    "aws_pipes_pipe": "a container override for a Batch job; its compute environment is mapped",
    "aws_redshift_cluster": "Redshift nodes (dc2/ra3) have no accelerators",
    "aws_redshift_scheduled_action": "a Redshift resize action (dc2/ra3 nodes)",
    "aws_timestreaminfluxdb_db_instance": "Timestream InfluxDB instances (db.influx.*) are CPU",
    # ---------------------------------------------------------------- hashicorp/google
    "google_dataflow_job": "machine_type is the worker's CPU machine; Dataflow GPUs come "
    "through service options, which aicost does not read",
    "google_dataflow_flex_template_job": "as google_dataflow_job",
    "google_cloudbuild_worker_pool": "Cloud Build private pools run e2 machines only",
    "google_composer_environment": "Composer (Airflow) nodes are CPU machines",
    "google_vertex_ai_index_endpoint_deployed_index": "vector search serving nodes are CPU "
    "machines (e2/n1/n2)",
    "google_alloydb_instance": "AlloyDB machine_config is CPU",
    "google_memcache_instance": "Memorystore node_config is CPU",
    # ---------------------------------------------------------------- hashicorp/azurerm
    "azurerm_hdinsight_hadoop_cluster": "HDInsight roles' vm_size: HDInsight offers no GPU sizes",
    "azurerm_hdinsight_spark_cluster": "HDInsight roles' vm_size: HDInsight offers no GPU sizes",
    "azurerm_hdinsight_hbase_cluster": "HDInsight roles' vm_size: HDInsight offers no GPU sizes",
    "azurerm_hdinsight_kafka_cluster": "HDInsight roles' vm_size: HDInsight offers no GPU sizes",
    "azurerm_hdinsight_interactive_query_cluster": "HDInsight roles: no GPU sizes",
    "azurerm_virtual_desktop_host_pool": "host pools name no VM size (session hosts are VMs, "
    "which are mapped)",
    "azurerm_service_fabric_cluster": "vm_instance_count only; the node VMs are scale sets, "
    "which are mapped",
}

__all__ = ["NON_AI"]
