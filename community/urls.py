from django.urls import path

from community import api, views

app_name = "community"

urlpatterns = [
    path("artists/<str:username>/", views.artist, name="artist"),
    path("artists/<str:username>/follow/", views.follow, name="follow"),
    path("artists/<str:username>/unfollow/", views.unfollow, name="unfollow"),
    path("following/", views.following, name="following"),
    path("leaderboard/", views.leaderboard, name="leaderboard"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications-read"),
    path("notifications/bell/", views.bell, name="bell"),
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
    path("feed/", api.FeedApi.as_view(), name="feed"),
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
]
