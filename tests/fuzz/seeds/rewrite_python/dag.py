from airflow import DAG
from airflow.providers.google.cloud.operators.bigquery import BigQueryInsertJobOperator
with DAG("listening", schedule="@daily") as dag:
    t = BigQueryInsertJobOperator(task_id="agg", configuration={"query": {"query": "{% include 'sql/agg.sql' %}", "useLegacySql": False}})
    sql = "SELECT user_id FROM `prod.events.listening_v3` WHERE DATE(ts) = '{{ ds }}'"
