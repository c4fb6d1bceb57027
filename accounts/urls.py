from allauth.account import views as allauth_views

from django.urls import path

from accounts import api, views

app_name = "accounts"

# Sign-up, sign-in and sign-out are allauth's views; these names keep
# `accounts:login` (LOGIN_URL) and friends working. The rest of allauth's
# pages (password reset and change, e-mail) are mounted at /accounts/ in
# config/urls.py under allauth's own names (`account_reset_password`, ...).
urlpatterns = [
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/login/", views.login, name="login"),
    path("accounts/logout/", allauth_views.logout, name="logout"),
    path("settings/profile/", views.profile_settings, name="profile-settings"),
    path("settings/tokens/", views.token_settings, name="token-settings"),
    path(
        "settings/tokens/<int:token_id>/rotate/",
        views.token_rotate,
        name="token-rotate",
    ),
    path(
        "settings/tokens/<int:token_id>/revoke/",
        views.token_revoke,
        name="token-revoke",
    ),
    path("staff/mail/", views.sent_mail, name="sent-mail"),
    path("staff/mail/<int:mail_id>/", views.sent_mail_detail, name="sent-mail-detail"),
]

api_urlpatterns = [
    path("me/", api.MeApi.as_view(), name="me"),
    path("me/preferences/", api.MePreferencesApi.as_view(), name="me-preferences"),
    path("me/tokens/", api.MeTokenListApi.as_view(), name="me-tokens"),
    path(
        "me/tokens/<int:token_id>/",
        api.MeTokenDetailApi.as_view(),
        name="me-token-detail",
    ),
    path(
        "me/tokens/<int:token_id>/rotate/",
        api.MeTokenRotateApi.as_view(),
        name="me-token-rotate",
    ),
    path("auth/token/", api.TokenCreateApi.as_view(), name="token"),
]
