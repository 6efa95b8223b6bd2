"""The database the service, the CLI and the analysts' console share: corrections from the desk, the
review queue and its schema's migrations. Built on nlp/ (masking) only, never on service/ or training/."""
