"""Django settings, read from environment variables (12-factor).

Variables (all optional in demo mode):

- ``DATABASE_URL``: ``postgres://…`` or ``sqlite:///path``; default a SQLite file under ``var/``
  (WAL mode).
- ``SECRET_KEY``: required when ``DEBUG`` is off; in debug mode one is generated once and kept in
  ``var/secret_key``.
- ``DEBUG`` (``1``/``0``), ``ALLOWED_HOSTS`` (comma-separated), ``CSRF_TRUSTED_ORIGINS``.
- ``EMAIL_URL``-style pieces: ``EMAIL_HOST`` switches to SMTP (``EMAIL_PORT``, ``EMAIL_HOST_USER``,
  ``EMAIL_HOST_PASSWORD``, ``EMAIL_USE_TLS``); console backend otherwise. ``DEFAULT_FROM_EMAIL``.
- ``AIGUILLAGE_*``: the deploying Région's branding (see ``aiguillage.core.theme``).
- ``OIDC_*``: optional OpenID Connect login (ProConnect-compatible), off unless
  ``OIDC_RP_CLIENT_ID`` is set (see ``docs/architecture.md``).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("AIGUILLAGE_VAR_DIR", BASE_DIR.parent / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "oui"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY doit être défini lorsque DEBUG est désactivé "
            "(ou lancez la démonstration avec DEBUG=1)."
        )
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

OIDC_ENABLED = bool(os.environ.get("OIDC_RP_CLIENT_ID"))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",
    "axes",
    "aiguillage.core",
    "aiguillage.territories",
    "aiguillage.directory",
    "aiguillage.accounts",
    "aiguillage.orientation",
    "aiguillage.referrals",
    "aiguillage.coordination",
    "aiguillage.observatory",
]
if OIDC_ENABLED:
    INSTALLED_APPS.append("mozilla_django_oidc")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Every page needs a login unless its view is marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Axes must come last: it turns repeated failed logins into a lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "aiguillage.urls"
WSGI_APPLICATION = "aiguillage.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Project-level overrides of third-party templates (Django admin).
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "aiguillage.core.context_processors.platform",
                "aiguillage.referrals.context_processors.notifications",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------

DEFAULT_SQLITE = VAR_DIR / "aiguillage.sqlite3"
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # WAL lets readers work while one writer commits; IMMEDIATE avoids "database is
            # locked" upgrades from read to write transactions.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
    if DATABASES["default"]["NAME"] != ":memory:":
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication ---------------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("aiguillage.accounts.oidc.ProConnectBackend")

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"

# Failed logins: five failures for one (email, IP) pair lock that pair for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_MINUTES", "15")) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The login form posts the email in the field named "username" (Django's AuthenticationForm).
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG and env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_AGE = 60 * 60 * 10

if OIDC_ENABLED:
    OIDC_RP_CLIENT_ID = os.environ["OIDC_RP_CLIENT_ID"]
    OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
    OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
    OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid email given_name usual_name")
    OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ["OIDC_OP_AUTHORIZATION_ENDPOINT"]
    OIDC_OP_TOKEN_ENDPOINT = os.environ["OIDC_OP_TOKEN_ENDPOINT"]
    OIDC_OP_USER_ENDPOINT = os.environ["OIDC_OP_USER_ENDPOINT"]
    OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
    OIDC_OP_LOGOUT_ENDPOINT = os.environ.get("OIDC_OP_LOGOUT_ENDPOINT", "")
    OIDC_CREATE_USER = False  # accounts are provisioned by a structure's manager
    OIDC_STORE_ID_TOKEN = True
    OIDC_AUTH_REQUEST_EXTRA_PARAMS = {"acr_values": os.environ.get("OIDC_ACR_VALUES", "eidas1")}

# --- Internationalisation ---------------------------------------------------------------------

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = VAR_DIR / "media"
# In debug mode (the demo) WhiteNoise serves straight from the apps' static folders; in production
# run ``aiguillage collectstatic`` once per release.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# --- Email ------------------------------------------------------------------------------------

DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Aiguillage <ne-pas-repondre@localhost>")
if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# --- Security headers -------------------------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# --- Aiguillage -------------------------------------------------------------------------------

# The deploying Région's branding: name, logo and colours (see aiguillage.core.theme).
AIGUILLAGE_THEME = {
    "nom_plateforme": os.environ.get("AIGUILLAGE_NOM", "Aiguillage"),
    "nom_region": os.environ.get("AIGUILLAGE_REGION_NOM", "Région de démonstration"),
    "logo_url": os.environ.get("AIGUILLAGE_LOGO_URL", ""),
    "couleur_primaire": os.environ.get("AIGUILLAGE_COULEUR_PRIMAIRE", "#1b4f8a"),
    "couleur_secondaire": os.environ.get("AIGUILLAGE_COULEUR_SECONDAIRE", "#7a2e62"),
}
AIGUILLAGE_DEMO = env_bool("AIGUILLAGE_DEMO", DEBUG)
FORM_RENDERER = "aiguillage.core.forms.FormRenderer"
# Optional web map tiles (e.g. a Région's own tile server). Off by default: maps are static SVG
# drawn from the stored boundaries, and no page calls an external server.
AIGUILLAGE_TUILES_URL = os.environ.get("AIGUILLAGE_TUILES_URL", "")
AIGUILLAGE_TUILES_ATTRIBUTION = os.environ.get("AIGUILLAGE_TUILES_ATTRIBUTION", "")
AIGUILLAGE_ANNUAIRE_FRAICHEUR_JOURS = int(
    os.environ.get("AIGUILLAGE_ANNUAIRE_FRAICHEUR_JOURS", "180")
)
AIGUILLAGE_ANNUAIRE_RELANCE_JOURS = int(os.environ.get("AIGUILLAGE_ANNUAIRE_RELANCE_JOURS", "30"))

# Referrals (adressages): public address used in e-mails, reminder ladder (working days, French
# public holidays excluded), consent and retention periods. See docs/adressages.md.
AIGUILLAGE_URL_PUBLIQUE = os.environ.get("AIGUILLAGE_URL_PUBLIQUE", "http://127.0.0.1:8000")
AIGUILLAGE_ADRESSAGES_RAPPEL_JOURS_OUVRES = int(
    os.environ.get("AIGUILLAGE_ADRESSAGES_RAPPEL_JOURS_OUVRES", "5")
)
AIGUILLAGE_ADRESSAGES_ESCALADE_JOURS_OUVRES = int(
    os.environ.get("AIGUILLAGE_ADRESSAGES_ESCALADE_JOURS_OUVRES", "10")
)
AIGUILLAGE_ADRESSAGES_EXPIRATION_JOURS = int(
    os.environ.get("AIGUILLAGE_ADRESSAGES_EXPIRATION_JOURS", "30")
)
AIGUILLAGE_CONSENTEMENT_DUREE_MOIS = int(os.environ.get("AIGUILLAGE_CONSENTEMENT_DUREE_MOIS", "24"))
AIGUILLAGE_ADRESSAGES_CONSERVATION_MOIS = int(
    os.environ.get("AIGUILLAGE_ADRESSAGES_CONSERVATION_MOIS", "24")
)
# French public holidays of a subdivision too ("57", "67", "68": Alsace-Moselle), for the ladder.
AIGUILLAGE_ADRESSAGES_FERIES_SUBDIVISION = os.environ.get(
    "AIGUILLAGE_ADRESSAGES_FERIES_SUBDIVISION", ""
)
AIGUILLAGE_NOTIFICATIONS_CONSERVATION_MOIS = int(
    os.environ.get("AIGUILLAGE_NOTIFICATIONS_CONSERVATION_MOIS", "12")
)
AIGUILLAGE_PIECE_JOINTE_MAX_OCTETS = int(
    os.environ.get("AIGUILLAGE_PIECE_JOINTE_MAX_OCTETS", str(5 * 1024 * 1024))
)

# The audit log (who viewed or changed what) holds personal data too: ``aiguillage journal
# purger`` deletes its events after this many months (CNIL: six months to one year). See
# docs/journal-des-acces.md.
AIGUILLAGE_JOURNAL_CONSERVATION_MOIS = int(
    os.environ.get("AIGUILLAGE_JOURNAL_CONSERVATION_MOIS", "12")
)

# The API's diagnostics are written in the background, in batches, rather than in the request
# (ADR 0002): a crash may lose the last fraction of a second of these anonymous records.
AIGUILLAGE_DIAGNOSTICS_DIFFERES = env_bool("AIGUILLAGE_DIAGNOSTICS_DIFFERES", True)
