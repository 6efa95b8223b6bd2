"""FastAPI dependencies: the settings, the loaded model and the store, as `Annotated` aliases."""

from typing import Annotated

from fastapi import Depends, Request

from nlp.predictor import Triage
from service.errors import ModelNotReady
from service.settings import Settings
from service.state import ModelHolder
from store.database import Database


async def get_settings(request: Request) -> Settings:
    """The app's own settings object. Not a dependency override of `service.settings.get_settings`:
    FastAPI rebuilds an overridden dependency's signature on every request (about 0.15 ms)."""
    return request.app.state.settings  # type: ignore[no-any-return]


async def get_holder(request: Request) -> ModelHolder:
    return request.app.state.holder  # type: ignore[no-any-return]


async def get_triage(holder: Annotated[ModelHolder, Depends(get_holder)]) -> Triage:
    if holder.triage is None:
        raise ModelNotReady(holder.error or "the model is still loading")
    return holder.triage


async def get_store(request: Request) -> Database:
    return request.app.state.store  # type: ignore[no-any-return]


SettingsDep = Annotated[Settings, Depends(get_settings)]
TriageDep = Annotated[Triage, Depends(get_triage)]
HolderDep = Annotated[ModelHolder, Depends(get_holder)]
StoreDep = Annotated[Database, Depends(get_store)]
