"""Rate-limit corpus, whole-project half: Flask-Limiter blueprint limits and settings, and
apps, limiters and routes that live in different modules (FastAPI and Flask).

Same convention as :mod:`corpus.deploy.cases_kube`: ``# <- RL001`` marks each line
that must carry a finding.
"""

from __future__ import annotations

from corpus.deploy.cases_kube import Case

FLASK_HEAD = """\
from flask import Blueprint, Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

app = Flask(__name__)
"""


def _blueprint_app(limiter_args: str, wiring: str, predict_mark: str = "") -> str:
    return f"""{FLASK_HEAD}limiter = Limiter(get_remote_address{limiter_args})
api = Blueprint("api", __name__)
admin = Blueprint("admin", __name__)


@api.post("/predict"){predict_mark}
def predict():
    return {{}}


{wiring}
app.register_blueprint(api)
app.register_blueprint(admin)
"""


MARK = "  # <- RL001"
EXTENSIONS = """\
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address)
"""


def _routes(decorator: str, mark: str = "") -> str:
    return f"""\
from flask import Blueprint

from .extensions import limiter

bp = Blueprint("models", __name__)


@bp.post("/predict"){mark}
{decorator}def predict():
    return {{}}
"""


def _factory(setup: str) -> str:
    return f"""\
from flask import Flask

from .extensions import limiter
from .routes import bp


def create_app():
    app = Flask(__name__)
{setup}    app.register_blueprint(bp)
    return app
"""


CONFIG = """\
class BaseConfig:
    DEBUG = False


class ProdConfig(BaseConfig):
    RATELIMIT_DEFAULT = "100 per hour"


class DevConfig(BaseConfig):
    DEBUG = True
"""
SLOWAPI_LIMITS = """\
from slowapi import Limiter
from slowapi.util import get_remote_address

limiter = Limiter(key_func=get_remote_address)
backup = Limiter(key_func=get_remote_address)
"""


def _fastapi_main(attach: str) -> str:
    return f"""\
from fastapi import FastAPI

from service.limits import backup, limiter
from service.routers import predict

app = FastAPI()
app.state.limiter = {attach}
app.include_router(predict.router)
"""


def _fastapi_router(mark: str = "") -> str:
    return f"""\
from fastapi import APIRouter, Request

from ..limits import limiter

router = APIRouter()


@router.post("/predict"){mark}
@limiter.limit("10/second")
async def predict(request: Request):
    return {{}}
"""


def _fastapi_limiter_main(app_args: str, include: str) -> str:
    return f"""\
from fastapi import Depends, FastAPI
from fastapi_limiter.depends import RateLimiter

from api import admin, models

app = FastAPI({app_args})
{include}
"""


def _plain_router(name: str, mark: str = "") -> str:
    return f"""\
from fastapi import APIRouter

router = APIRouter()


@router.post("/{name}"){mark}
async def handler():
    return {{}}
"""


RATE_DEPENDENCY = "dependencies=[Depends(RateLimiter(times=10, seconds=1))]"
ADMIN_ONLY_LIMITED = (
    f"app.include_router(models.router)\napp.include_router(admin.router, {RATE_DEPENDENCY})"
)

PROJECT_CASES: tuple[Case, ...] = (
    Case("flask_blueprint_wide_limit", "limited", {"app.py": _blueprint_app(
        ", app=app", 'limiter.limit("10/minute")(api)')}),
    Case("flask_blueprint_limit_on_other_blueprint", "trap", {"app.py": _blueprint_app(
        ", app=app", 'limiter.limit("10/minute")(admin)', MARK)}),
    Case("flask_blueprint_limit_limiter_not_attached", "trap", {"app.py": _blueprint_app(
        "", 'limiter.limit("10/minute")(api)', MARK)}),
    Case("flask_blueprint_limit_discarded", "trap", {"app.py": _blueprint_app(
        ", app=app", 'five_per_minute = limiter.limit("5/minute")', MARK)}),
    Case("flask_blueprint_exempt_from_defaults", "trap", {"app.py": _blueprint_app(
        ', app=app, default_limits=["100/hour"]', "limiter.exempt(api)", MARK)}),
    Case("flask_ratelimit_default_setting", "limited", {"app.py": _blueprint_app(
        "", 'app.config["RATELIMIT_DEFAULT"] = "100/hour"\nlimiter.init_app(app)')}),
    Case("flask_ratelimit_default_empty", "trap", {"app.py": _blueprint_app(
        "", 'app.config.update(RATELIMIT_DEFAULT="")\nlimiter.init_app(app)', MARK)}),
    Case("flask_ratelimit_application_setting", "limited", {"app.py": _blueprint_app(
        ", default_limits=[]",
        'app.config.from_mapping(RATELIMIT_APPLICATION="1000/minute")\nlimiter.init_app(app)')}),
    Case("flask_ratelimit_default_from_object", "limited", {
        "svc/config.py": CONFIG, "svc/extensions.py": EXTENSIONS, "svc/routes.py": _routes(""),
        "svc/__init__.py": _factory(
            '    app.config.from_object("svc.config.ProdConfig")\n    limiter.init_app(app)\n')}),
    Case("flask_ratelimit_default_other_config_class", "trap", {
        "svc/config.py": CONFIG, "svc/extensions.py": EXTENSIONS,
        "svc/routes.py": _routes("", MARK),
        "svc/__init__.py": _factory(
            '    app.config.from_object("svc.config.DevConfig")\n    limiter.init_app(app)\n')}),
    Case("flask_cross_module_factory", "limited", {
        "svc/extensions.py": EXTENSIONS,
        "svc/routes.py": _routes('@limiter.limit("5 per second")\n'),
        "svc/__init__.py": _factory("    limiter.init_app(app)\n")}),
    Case("flask_cross_module_never_initialised", "trap", {
        "svc/extensions.py": EXTENSIONS,
        "svc/routes.py": _routes('@limiter.limit("5 per second")\n', MARK),
        "svc/__init__.py": _factory("    app.config['JSON_SORT_KEYS'] = False\n")}),
    Case("fastapi_cross_module_slowapi", "limited", {
        "service/limits.py": SLOWAPI_LIMITS, "service/main.py": _fastapi_main("limiter"),
        "service/routers/predict.py": _fastapi_router()}),
    Case("fastapi_cross_module_other_limiter_attached", "trap", {
        "service/limits.py": SLOWAPI_LIMITS, "service/main.py": _fastapi_main("backup"),
        "service/routers/predict.py": _fastapi_router(MARK)}),
    Case("fastapi_limiter_app_dependency_reaches_routers", "limited", {
        "api/main.py": _fastapi_limiter_main(
            RATE_DEPENDENCY, "app.include_router(models.router)\napp.include_router(admin.router)"),
        "api/models.py": _plain_router("predict"), "api/admin.py": _plain_router("reload")}),
    Case("fastapi_limiter_dependency_on_other_router", "trap", {
        "api/main.py": _fastapi_limiter_main("", ADMIN_ONLY_LIMITED),
        "api/models.py": _plain_router("predict", MARK), "api/admin.py": _plain_router("reload")}),
)  # fmt: skip
