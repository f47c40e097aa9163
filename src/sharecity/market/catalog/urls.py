from django.urls import path

from sharecity.market.catalog import views

app_name = "catalog"
urlpatterns = [
    path("<slug:slug>/operator/categories/", views.settings, name="settings"),
    path("<slug:slug>/operator/categories/<slug:code>/", views.category_settings, name="category"),
    path("<slug:slug>/operator/categories/<slug:code>/enable/", views.enable, name="enable"),
    path("<slug:slug>/operator/categories/<slug:code>/fields/", views.field_add, name="field_add"),
    path("<slug:slug>/operator/categories/<slug:code>/fields/<slug:name>/remove/", views.field_remove,
         name="field_remove"),
    path("<slug:slug>/operator/categories/<slug:code>/process/", views.process_set, name="process_set"),
]
