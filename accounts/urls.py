from django.contrib.auth import views as auth_views
from django.urls import path

from . import api, views

app_name = "accounts"

urlpatterns = [
    path("accounts/signup/", views.signup, name="signup"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(template_name="accounts/login.html"),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("artists/<str:username>/", views.artist, name="artist"),
]

api_urlpatterns = [
    path("artists/<str:username>/", api.ArtistDetailApi.as_view(), name="artist"),
    path("me/", api.MeApi.as_view(), name="me"),
    path("auth/token/", api.TokenCreateApi.as_view(), name="token"),
]
