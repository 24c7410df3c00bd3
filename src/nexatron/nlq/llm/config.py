"""Typed configuration of one LLM provider, server-wide or per tenant.

`api_key` is the only secret: a `SecretStr` (hidden in repr and JSON dumps). `split()` gives the
public part (stored as JSON) and the secret part (encrypted at rest); `join()` rebuilds.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

Provider = Literal["openai", "anthropic"]
MASK = "********"
DEFAULT_BASE_URLS: dict[str, str] = {
    "openai": "https://api.openai.com/v1",
    "anthropic": "https://api.anthropic.com",
}


class LLMConfig(BaseModel):
    """An OpenAI-compatible endpoint (OpenAI, Azure OpenAI v1, Ollama, vLLM, llama.cpp server,
    LM Studio) or Anthropic. Requests go only to `base_url` (the provider default when unset)."""

    model_config = ConfigDict(extra="forbid")
    secret_fields: ClassVar[tuple[str, ...]] = ("api_key",)

    provider: Provider = "openai"
    base_url: str | None = Field(default=None, max_length=2000)
    model: str = Field(min_length=1, max_length=200)
    api_key: SecretStr | None = None
    timeout_s: float = Field(default=30.0, gt=0, le=600)
    max_retries: int = Field(default=2, ge=0, le=5)
    max_tokens: int = Field(default=1024, ge=64, le=32_000)
    temperature: float | None = Field(default=0.0, ge=0, le=2)
    context_tokens: int = Field(default=6000, ge=500, le=200_000)
    allow_sql: bool = True  # ask for SQL when a question falls outside the layer
    json_mode: bool = False  # OpenAI `response_format={"type": "json_object"}` where supported
    token_param: Literal["max_tokens", "max_completion_tokens"] = "max_tokens"  # noqa: S105

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("base_url must start with http:// or https://")
        return value.rstrip("/") if value else None

    @property
    def effective_base_url(self) -> str:
        return self.base_url or DEFAULT_BASE_URLS[self.provider]

    def api_key_value(self) -> str | None:
        return self.api_key.get_secret_value() if self.api_key else None

    def split(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """(public JSON-safe config without secrets, secrets dict to encrypt)."""
        public = self.model_dump(mode="json", exclude=set(self.secret_fields))
        secret = {"api_key": self.api_key_value()} if self.api_key else {}
        return public, secret

    @classmethod
    def join(cls, public: dict[str, Any], secrets: dict[str, Any] | None) -> LLMConfig:
        """Rebuild a config from its stored public part and decrypted secrets."""
        return cls.model_validate({**public, **(secrets or {})})

    def public_view(self) -> dict[str, Any]:
        """What an API response may show: the public fields and `has_api_key`, never the key."""
        public, _ = self.split()
        return {**public, "has_api_key": self.api_key is not None}

    def merged(self, update: dict[str, Any]) -> LLMConfig:
        """Apply a partial update: a masked or empty `api_key` keeps the stored key; null clears."""
        public, secret = self.split()
        data = {**public, **secret}
        for key, value in update.items():
            if key == "api_key" and (value == MASK or value == ""):
                continue
            data[key] = value
        return LLMConfig.model_validate(data)
