"""Provider clients over the official SDKs (`openai`, `anthropic`), imported lazily.

Each client makes one non-streaming chat call and returns the text with the usage the API reported.
Retries with backoff on 429/5xx/timeouts are the SDK's own (bounded by `max_retries`); whatever
still fails becomes `LLMUnavailable` with a detail that never carries the API key.
"""

from __future__ import annotations

import inspect
import time
from dataclasses import dataclass
from typing import Any, Literal, Protocol, TypedDict

from nexatron.netcheck import is_private_host
from nexatron.nlq.llm.config import LLMConfig
from nexatron.nlq.llm.errors import LLMUnavailable, missing_sdk

_NO_KEY = "not-needed"  # local servers (Ollama, llama.cpp) take any key; never fall back to env


class Message(TypedDict):
    role: Literal["user", "assistant"]
    content: str


@dataclass(frozen=True)
class Completion:
    """One model reply: its text, the usage the API reported, latency and whether it was cut off."""

    text: str
    tokens_in: int
    tokens_out: int
    ms: float
    truncated: bool = False
    refusal: str | None = None


class ChatClient(Protocol):
    def complete(self, system: str, messages: list[Message]) -> Completion: ...


def make_client(config: LLMConfig, *, refuse_private_hosts: bool = False) -> ChatClient:
    """The client for `config.provider`; a missing SDK raises BadRequest naming the extra.

    Redirects are never followed. With `refuse_private_hosts`, every request's host is checked
    at send time, so a tenant's URL cannot be turned towards the server's own network later.
    """
    if config.provider == "anthropic":
        return AnthropicClient(config, refuse_private_hosts=refuse_private_hosts)
    return OpenAIClient(config, refuse_private_hosts=refuse_private_hosts)


def _http_client(sdk: Any, refuse_private_hosts: bool) -> Any:
    def check(request: Any) -> None:
        if is_private_host(request.url.host):
            raise LLMUnavailable("The LLM base URL resolves to a private address; refused.")

    hooks = {"request": [check]} if refuse_private_hosts else {}
    return sdk.DefaultHttpxClient(follow_redirects=False, event_hooks=hooks)


def _estimate_tokens(text: str) -> int:
    return max(1, len(text) // 4)


def _unavailable(exc: Exception, sdk: Any, config: LLMConfig) -> LLMUnavailable:
    """Map an SDK exception (after its retries) to a 503 whose detail names the cause."""
    attempts = config.max_retries + 1
    where = f"The {config.provider} LLM provider"
    if isinstance(exc, sdk.APITimeoutError):
        msg = f"{where} timed out ({config.timeout_s:g}s per attempt, {attempts} attempts)."
    elif isinstance(exc, sdk.APIConnectionError):
        msg = f"{where} could not be reached after {attempts} attempts."
    elif isinstance(exc, sdk.RateLimitError):
        msg = f"{where} kept rate-limiting requests (429) after {attempts} attempts."
    elif isinstance(exc, sdk.APIStatusError):
        code = exc.status_code
        if code >= 500:
            msg = f"{where} failed with status {code} after {attempts} attempts."
        elif code in (401, 403):
            msg = f"{where} rejected the credentials (status {code}); check the API key."
        else:
            msg = f"{where} rejected the request (status {code}); check the model and base URL."
    else:
        msg = f"{where} returned an unusable response."
    return LLMUnavailable(msg)


class OpenAIClient:
    """Chat Completions on any OpenAI-compatible endpoint."""

    def __init__(self, config: LLMConfig, *, refuse_private_hosts: bool = False) -> None:
        try:
            import openai
        except ImportError as exc:  # pragma: no cover - exercised only without the extra
            raise missing_sdk("openai") from exc
        self._sdk: Any = openai
        self.config = config
        self._client = openai.OpenAI(
            api_key=config.api_key_value() or _NO_KEY,
            base_url=config.effective_base_url,
            timeout=config.timeout_s,
            max_retries=config.max_retries,
            http_client=_http_client(self._sdk, refuse_private_hosts),
        )

    def complete(self, system: str, messages: list[Message]) -> Completion:
        cfg = self.config
        kwargs: dict[str, Any] = {
            "model": cfg.model,
            "messages": [{"role": "system", "content": system}, *messages],
            cfg.token_param: cfg.max_tokens,
        }
        if cfg.temperature is not None:
            kwargs["temperature"] = cfg.temperature
        if cfg.json_mode:
            kwargs["response_format"] = {"type": "json_object"}
        started = time.perf_counter()
        try:
            resp: Any = self._client.chat.completions.create(**kwargs)
        except self._sdk.OpenAIError as exc:
            raise _unavailable(exc, self._sdk, cfg) from None
        ms = (time.perf_counter() - started) * 1000
        try:
            choice = resp.choices[0]
            text = choice.message.content or ""
            refusal = getattr(choice.message, "refusal", None)
            usage = resp.usage
        except (AttributeError, IndexError, TypeError, KeyError):
            raise LLMUnavailable("The openai LLM provider returned an unusable response.") from None
        prompt = system + "".join(m["content"] for m in messages)
        return Completion(
            text=str(text),
            tokens_in=int(usage.prompt_tokens) if usage else _estimate_tokens(prompt),
            tokens_out=int(usage.completion_tokens) if usage else _estimate_tokens(text),
            ms=ms,
            truncated=choice.finish_reason == "length",
            refusal=refusal if isinstance(refusal, str) and refusal else None,
        )


class AnthropicClient:
    """The Anthropic Messages API."""

    def __init__(self, config: LLMConfig, *, refuse_private_hosts: bool = False) -> None:
        try:
            import anthropic
        except ImportError as exc:  # pragma: no cover - exercised only without the extra
            raise missing_sdk("anthropic") from exc
        self._sdk: Any = anthropic
        self.config = config
        self._client = anthropic.Anthropic(
            api_key=config.api_key_value() or _NO_KEY,
            base_url=config.effective_base_url,
            timeout=config.timeout_s,
            max_retries=config.max_retries,
            http_client=_http_client(self._sdk, refuse_private_hosts),
        )
        # Recent SDKs dropped sampling parameters from the Messages API; older ones accept them.
        create = self._client.messages.create
        self._takes_temperature = "temperature" in inspect.signature(create).parameters

    def complete(self, system: str, messages: list[Message]) -> Completion:
        cfg = self.config
        kwargs: dict[str, Any] = {
            "model": cfg.model,
            "system": system,
            "messages": list(messages),
            "max_tokens": cfg.max_tokens,
        }
        if cfg.temperature is not None and self._takes_temperature:
            kwargs["temperature"] = min(cfg.temperature, 1.0)
        started = time.perf_counter()
        try:
            resp: Any = self._client.messages.create(**kwargs)
        except self._sdk.AnthropicError as exc:
            raise _unavailable(exc, self._sdk, cfg) from None
        ms = (time.perf_counter() - started) * 1000
        try:
            text = "".join(b.text for b in resp.content if getattr(b, "type", "") == "text")
            tokens_in, tokens_out = int(resp.usage.input_tokens), int(resp.usage.output_tokens)
        except (AttributeError, TypeError, ValueError):
            msg = "The anthropic LLM provider returned an unusable response."
            raise LLMUnavailable(msg) from None
        return Completion(
            text=text,
            tokens_in=tokens_in,
            tokens_out=tokens_out,
            ms=ms,
            truncated=resp.stop_reason == "max_tokens",
            refusal=(text or "refused") if resp.stop_reason == "refusal" else None,
        )
