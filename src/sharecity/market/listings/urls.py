from django.urls import path

from sharecity.market.listings import views

app_name = "listings"
urlpatterns = [
    path("<slug:slug>/listings/mine/", views.mine, name="mine"),
    path("<slug:slug>/listings/new/", views.new, name="new"),
    path("<slug:slug>/listings/<uuid:listing_id>/edit/", views.edit, name="edit"),
    path("<slug:slug>/listings/<uuid:listing_id>/submit/", views.submit, name="submit"),
    path("<slug:slug>/listings/<uuid:listing_id>/photos/", views.photos, name="photos"),
    path("<slug:slug>/listings/<uuid:listing_id>/photos/<uuid:photo_id>/remove/", views.photo_remove,
         name="photo_remove"),
    path("<slug:slug>/listings/<uuid:listing_id>/photos/<uuid:photo_id>/replace/", views.photo_replace,
         name="photo_replace"),
    path("<slug:slug>/listings/<uuid:listing_id>/photos/<uuid:photo_id>/<slug:size>.jpg", views.photo, name="photo"),
    path("<slug:slug>/listings/<uuid:listing_id>/<slug:action>/", views.action, name="action"),
]
