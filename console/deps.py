"""FastAPI dependencies of the console: its settings and its in-process stores, as `Annotated` aliases."""

from typing import Annotated

from fastapi import Depends, Request

from console.jobs import Jobs
from console.settings import ConsoleSettings
from console.uploads import Uploads


async def get_settings(request: Request) -> ConsoleSettings:
    return request.app.state.settings  # type: ignore[no-any-return]


async def get_jobs(request: Request) -> Jobs:
    return request.app.state.jobs  # type: ignore[no-any-return]


async def get_uploads(request: Request) -> Uploads:
    return request.app.state.uploads  # type: ignore[no-any-return]


SettingsDep = Annotated[ConsoleSettings, Depends(get_settings)]
JobsDep = Annotated[Jobs, Depends(get_jobs)]
UploadsDep = Annotated[Uploads, Depends(get_uploads)]
