from django.urls import path

from sharecity.market.orders import views

app_name = "orders"
urlpatterns = [
    path("<slug:slug>/market/", views.search, name="search"),
    path("<slug:slug>/market/listings/<uuid:listing_id>/", views.listing, name="listing"),
    path("<slug:slug>/market/listings/<uuid:listing_id>/quote/", views.quote, name="quote"),
    path("<slug:slug>/market/listings/<uuid:listing_id>/checkout/", views.checkout, name="checkout"),
    path("<slug:slug>/orders/", views.mine, name="mine"),
    path("<slug:slug>/orders/<uuid:order_id>/", views.detail, name="detail"),
    path("<slug:slug>/orders/<uuid:order_id>/do/<slug:name>/", views.transition, name="transition"),
    path("<slug:slug>/tasks/", views.tasks, name="tasks"),
    path("<slug:slug>/tasks/new/", views.task_new, name="task_new"),
    path("<slug:slug>/tasks/<uuid:task_id>/", views.task, name="task"),
    path("<slug:slug>/tasks/<uuid:task_id>/bids/", views.bid_new, name="bid_new"),
    path("<slug:slug>/tasks/<uuid:task_id>/bids/<int:bid_id>/accept/", views.bid_accept, name="bid_accept"),
]
