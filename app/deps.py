"""Typed dependencies that routes declare: the session, the settings and the services."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from app.config import Settings
from app.services.search import SearchService
from app.vocabulary import Vocabulary


def get_session(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine) as session:
        yield session


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_search(request: Request) -> SearchService:
    service: SearchService = request.app.state.search
    return service


def get_vocabulary(request: Request) -> Vocabulary:
    vocabulary: Vocabulary = request.app.state.vocabulary
    return vocabulary


def get_base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
SearchDep = Annotated[SearchService, Depends(get_search)]
VocabularyDep = Annotated[Vocabulary, Depends(get_vocabulary)]
BaseUrlDep = Annotated[str, Depends(get_base_url)]
