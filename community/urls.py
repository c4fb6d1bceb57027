from django.urls import path

from community import api, challenge_api, challenge_views, views

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
    path("art/<int:pk>/comments/", views.comments, name="comments"),
    path("art/<int:pk>/comments/new/", views.comment_create, name="comment-create"),
    path("comments/<int:comment_id>/edit/", views.comment_edit, name="comment-edit"),
    path(
        "comments/<int:comment_id>/delete/",
        views.comment_delete,
        name="comment-delete",
    ),
    path(
        "comments/<int:comment_id>/report/",
        views.comment_report,
        name="comment-report",
    ),
    path("moderation/comments/", views.comment_queue, name="comment-queue"),
    path(
        "moderation/comments/<int:comment_id>/hide/",
        views.comment_hide,
        name="comment-hide",
    ),
    path(
        "moderation/comments/<int:comment_id>/restore/",
        views.comment_restore,
        name="comment-restore",
    ),
    path(
        "moderation/comment-reports/<int:report_id>/dismiss/",
        views.comment_dismiss,
        name="comment-dismiss",
    ),
]

# Challenges (community/challenge_views.py, challenge_api.py).
urlpatterns += [
    path("challenges/", challenge_views.challenges, name="challenges"),
    path("challenges/new/", challenge_views.challenge_new, name="challenge-new"),
    path("challenges/<slug:slug>/", challenge_views.challenge, name="challenge"),
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
    path(
        "submissions/<int:pk>/comments/",
        api.CommentListApi.as_view(),
        name="comment-list",
    ),
    path(
        "comments/<int:comment_id>/",
        api.CommentDetailApi.as_view(),
        name="comment-detail",
    ),
    path(
        "comments/<int:comment_id>/reports/",
        api.CommentReportApi.as_view(),
        name="comment-report",
    ),
]

# Challenges.
api_urlpatterns += [
    path(
        "challenges/", challenge_api.ChallengeListApi.as_view(), name="challenge-list"
    ),
    path(
        "challenges/<slug:key>/",
        challenge_api.ChallengeDetailApi.as_view(),
        name="challenge-detail",
    ),
    path(
        "challenges/<slug:key>/entries/",
        challenge_api.ChallengeEntryListApi.as_view(),
        name="challenge-entries",
    ),
]
