"""Settings both the service and training read: where models live and how long a text may be.

Each process builds one settings object (service.settings.Settings or
training.settings.TrainingSettings), both subclasses of this, from `DT_*` environment variables
or `.env`, so a value such as DT_MODELS_DIR means the same thing everywhere.
"""

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class CommonSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DT_", env_file=".env", extra="ignore")

    models_dir: Path = Field(Path("models"), description="Registry root holding <version>/ folders and live.json.")
    max_text_chars: int = Field(5000, ge=1, description="Longest text accepted, in characters.")
