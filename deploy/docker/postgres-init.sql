-- Runs once, on the first start of the PostgreSQL container: the MLflow tracking server keeps
-- its runs and model registry in their own database next to the API's tickets.
CREATE DATABASE mlflow OWNER tickets;
