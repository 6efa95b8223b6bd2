"""The same prediction as a Spark job, for archives too big for one machine: Parquet or CSV in,
Parquet out. Sits on `nlp/` (through the batch runner's model and column modules, which are pure
`nlp/`); no service or training code, and the service never imports it."""
