from django.urls import path

from sharecity.market.reviews import views

app_name = "reviews"
urlpatterns = [
    path("<slug:slug>/orders/<uuid:order_id>/review/", views.order_review, name="order_review"),
    path("<slug:slug>/market/listings/<uuid:listing_id>/reviews/", views.listing_reviews, name="listing"),
    path("<slug:slug>/operator/reviews/", views.queue, name="queue"),
    path("<slug:slug>/operator/reviews/<uuid:review_id>/hide/", views.hide, name="hide"),
    path("<slug:slug>/operator/reviews/flags/<int:flag_id>/close/", views.flag_close, name="flag_close"),
]
