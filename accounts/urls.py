from django.contrib.auth import views as auth_views
from django.urls import path

from . import api, views

app_name = "accounts"

urlpatterns = [
    path("accounts/signup/", views.signup, name="signup"),
    path(
        "accounts/login/",
        views.LoginView.as_view(),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("artists/<str:username>/", views.artist, name="artist"),
    path("artists/<str:username>/follow/", views.follow, name="follow"),
    path("artists/<str:username>/unfollow/", views.unfollow, name="unfollow"),
    path("leaderboard/", views.leaderboard, name="leaderboard"),
    path("notifications/", views.notifications, name="notifications"),
    path(
        "notifications/settings/",
        views.notification_settings,
        name="notification-settings",
    ),
]

api_urlpatterns = [
    path("artists/<str:username>/", api.ArtistDetailApi.as_view(), name="artist"),
    path(
        "artists/<str:username>/follow/",
        api.ArtistFollowApi.as_view(),
        name="artist-follow",
    ),
    path("leaderboard/", api.LeaderboardApi.as_view(), name="leaderboard"),
    path("notifications/", api.NotificationListApi.as_view(), name="notification-list"),
    path(
        "notifications/unread-count/",
        api.NotificationUnreadCountApi.as_view(),
        name="notification-unread-count",
    ),
    path(
        "notifications/read/",
        api.NotificationReadApi.as_view(),
        name="notification-read",
    ),
    path("me/", api.MeApi.as_view(), name="me"),
    path("me/preferences/", api.MePreferencesApi.as_view(), name="me-preferences"),
    path("auth/token/", api.TokenCreateApi.as_view(), name="token"),
]
