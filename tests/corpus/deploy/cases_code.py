"""Rate-limit corpus, application-code half: slowapi, fastapi-limiter, Flask-Limiter, Django.

Same convention as :mod:`corpus.deploy.cases_kube`: ``# <- RL001`` marks each line
that must carry a finding.
"""

from __future__ import annotations

from corpus.deploy.cases_kube import Case

SLOWAPI_ATTACHED = """\
from fastapi import FastAPI, Request
from slowapi import Limiter
from slowapi.util import get_remote_address

limiter = Limiter(key_func=get_remote_address)
app = FastAPI()
app.state.limiter = limiter


@app.post("/predict")
@limiter.limit("10/second")
async def predict(request: Request):
    return {}
"""
SLOWAPI_NOT_ATTACHED = """\
from fastapi import FastAPI, Request
from slowapi import Limiter
from slowapi.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, default_limits=["10/second"])
app = FastAPI()


@app.post("/predict")  # <- RL001
@limiter.limit("10/second")
async def predict(request: Request):
    return {}
"""
SLOWAPI_MIDDLEWARE = """\
from fastapi import FastAPI
from slowapi import Limiter
from slowapi.middleware import SlowAPIMiddleware
from slowapi.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, default_limits=["100/minute"])
app = FastAPI()
app.state.limiter = limiter
app.add_middleware(SlowAPIMiddleware)


@app.post("/predict")
async def predict():
    return {}


@app.post("/batch")  # <- RL001
@limiter.exempt
async def batch():
    return {}
"""
SLOWAPI_MIDDLEWARE_NO_DEFAULTS = """\
from fastapi import FastAPI
from slowapi import Limiter
from slowapi.middleware import SlowAPIMiddleware
from slowapi.util import get_remote_address

limiter = Limiter(key_func=get_remote_address)
app = FastAPI()
app.state.limiter = limiter
app.add_middleware(SlowAPIMiddleware)


@app.post("/predict")  # <- RL001
async def predict():
    return {}
"""
FASTAPI_LIMITER_01 = """\
from fastapi import Depends, FastAPI
from fastapi_limiter import FastAPILimiter
from fastapi_limiter.depends import RateLimiter

app = FastAPI()


@app.on_event("startup")
async def startup():
    await FastAPILimiter.init(None)


@app.post("/predict", dependencies=[Depends(RateLimiter(times=10, seconds=1))])
async def predict():
    return {}


@app.get("/metadata")  # <- RL001
async def metadata():
    return {}
"""
FASTAPI_LIMITER_02_ROUTER = """\
from fastapi import APIRouter, Depends, FastAPI
from fastapi_limiter.depends import RateLimiter
from pyrate_limiter import Duration, Limiter, Rate

router = APIRouter()
app = FastAPI()


@router.post("/predict")
async def predict():
    return {}


app.include_router(
    router, dependencies=[Depends(RateLimiter(limiter=Limiter(Rate(2, Duration.SECOND))))]
)
"""
FASTAPI_LIMITER_02_MIDDLEWARE = """\
from fastapi import FastAPI
from fastapi_limiter.middleware import RateLimiterMiddleware
from pyrate_limiter import Duration, Limiter, Rate

app = FastAPI()
app.add_middleware(RateLimiterMiddleware, limiter=Limiter(Rate(10, Duration.SECOND)))


@app.post("/predict")
async def predict():
    return {}
"""
FASTAPI_LIMITER_PARAM = """\
from fastapi import Depends, FastAPI
from fastapi_limiter.depends import RateLimiter

app = FastAPI()


@app.post("/predict")
async def predict(_: None = Depends(RateLimiter(times=5, seconds=1))):
    return {}
"""
FASTAPI_PLAIN = """\
from fastapi import FastAPI

app = FastAPI()


@app.post("/predict")  # <- RL001
async def predict():
    return {}


@app.get("/health")  # <- RL001
async def health():
    return {}
"""
FLASK_DEFAULTS = """\
from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

app = Flask(__name__)
limiter = Limiter(get_remote_address, app=app, default_limits=["200 per minute"])


@app.route("/predict", methods=["POST"])
def predict():
    return {}


@app.route("/bulk", methods=["POST"])  # <- RL001
@limiter.exempt
def bulk():
    return {}
"""
FLASK_NOT_ATTACHED = """\
from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

app = Flask(__name__)
limiter = Limiter(get_remote_address, default_limits=["200 per minute"])


@app.post("/predict")  # <- RL001
@limiter.limit("10 per second")
def predict():
    return {}
"""
FLASK_DISABLED = """\
from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

app = Flask(__name__)
app.config["RATELIMIT_ENABLED"] = False
limiter = Limiter(get_remote_address, app=app, default_limits=["200 per minute"])


@app.post("/predict")  # <- RL001
def predict():
    return {}
"""
FLASK_INIT_APP = """\
from flask import Blueprint, Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address)
api = Blueprint("api", __name__)


@api.post("/predict")
@limiter.limit("5 per second")
def predict():
    return {}


def create_app():
    app = Flask(__name__)
    limiter.init_app(app)
    app.register_blueprint(api)
    return app
"""
FLASK_LEGACY_POSITIONAL = """\
from flask import Flask
from flask_limiter import Limiter

app = Flask(__name__)
limiter = Limiter(app, default_limits=["10 per second"])


@app.route("/predict")
def predict():
    return {}
"""
DJANGO_URLS = """\
from django.urls import path

from . import views

urlpatterns = [
    path("predict/", views.predict),
    path("explain/", views.ExplainView.as_view()),
]
"""
DJANGO_V4 = """\
from django.http import JsonResponse
from django.utils.decorators import method_decorator
from django.views import View
from django_ratelimit.decorators import ratelimit


@ratelimit(key="ip", rate="10/s")
def predict(request):
    return JsonResponse({})


@method_decorator(ratelimit(key="ip", rate="5/s"), name="dispatch")
class ExplainView(View):
    def post(self, request):
        return JsonResponse({})


def helper(request):
    return None
"""
DJANGO_BLOCK_FALSE = """\
from django.http import JsonResponse
from django.views import View
from django_ratelimit.decorators import ratelimit


@ratelimit(key="ip", rate="10/s", block=False)
def predict(request):  # <- RL001
    return JsonResponse({})


class ExplainView(View):  # <- RL001
    def post(self, request):
        return JsonResponse({})
"""
DJANGO_V3_DEFAULT = """\
from django.http import JsonResponse
from ratelimit.decorators import ratelimit


@ratelimit(key="ip", rate="10/s")
def predict(request):  # <- RL001
    return JsonResponse({})


@ratelimit(key="ip", rate="10/s", block=True)
def ExplainView(request):
    return JsonResponse({})
"""
DJANGO_SETTINGS_OFF = "RATELIMIT_ENABLE = False\n"
DJANGO_V4_MARKED = DJANGO_V4.replace(
    "def predict(request):", "def predict(request):  # <- RL001"
).replace("class ExplainView(View):", "class ExplainView(View):  # <- RL001")

CODE_CASES: tuple[Case, ...] = (
    Case("slowapi_attached_decorator", "limited", {"app/main.py": SLOWAPI_ATTACHED}),
    Case("slowapi_declared_not_attached", "trap", {"app/main.py": SLOWAPI_NOT_ATTACHED}),
    Case("slowapi_middleware_and_exempt", "trap", {"app/main.py": SLOWAPI_MIDDLEWARE}),
    Case("slowapi_middleware_without_defaults", "trap",
         {"app/main.py": SLOWAPI_MIDDLEWARE_NO_DEFAULTS}),
    Case("fastapi_limiter_01_route", "limited", {"app/main.py": FASTAPI_LIMITER_01}),
    Case("fastapi_limiter_02_router", "limited", {"app/main.py": FASTAPI_LIMITER_02_ROUTER}),
    Case("fastapi_limiter_02_middleware", "limited",
         {"app/main.py": FASTAPI_LIMITER_02_MIDDLEWARE}),
    Case("fastapi_limiter_parameter", "limited", {"app/main.py": FASTAPI_LIMITER_PARAM}),
    Case("fastapi_plain", "unlimited", {"app/main.py": FASTAPI_PLAIN}),
    Case("flask_limiter_defaults_and_exempt", "trap", {"app.py": FLASK_DEFAULTS}),
    Case("flask_limiter_not_attached", "trap", {"app.py": FLASK_NOT_ATTACHED}),
    Case("flask_limiter_disabled", "trap", {"app.py": FLASK_DISABLED}),
    Case("flask_limiter_init_app_blueprint", "limited", {"app.py": FLASK_INIT_APP}),
    Case("flask_limiter_legacy_positional", "limited", {"app.py": FLASK_LEGACY_POSITIONAL}),
    Case("django_ratelimit_v4", "limited",
         {"svc/urls.py": DJANGO_URLS, "svc/views.py": DJANGO_V4}),
    Case("django_ratelimit_block_false", "trap",
         {"svc/urls.py": DJANGO_URLS, "svc/views.py": DJANGO_BLOCK_FALSE}),
    Case("django_ratelimit_v3_default", "trap",
         {"svc/urls.py": DJANGO_URLS, "svc/views.py": DJANGO_V3_DEFAULT}),
    Case("django_ratelimit_disabled", "trap",
         {"svc/urls.py": DJANGO_URLS,
          "svc/views.py": DJANGO_V4_MARKED,
          "svc/settings.py": DJANGO_SETTINGS_OFF}),
)  # fmt: skip
