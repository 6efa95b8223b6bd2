"""`dispute-triage`: one command for analysts and operators, composed from one app per concern."""

import typer

from cli import classify, console, data, modelling, models, serving, spark, store

app = typer.Typer(no_args_is_help=True, add_completion=False, help="Triage Chinese dispute descriptions.")
app.add_typer(modelling.app)
app.add_typer(data.app)
app.add_typer(serving.app)
app.add_typer(console.app)
app.add_typer(classify.app)
app.add_typer(spark.app)
app.add_typer(models.app, name="models")
app.add_typer(store.feedback_app, name="feedback")
app.add_typer(store.review_app, name="review")
app.add_typer(store.db_app, name="db")

if __name__ == "__main__":
    app()
