"""The analysts' console: a separate web process on top of training/ and nlp/; the service never imports it."""
