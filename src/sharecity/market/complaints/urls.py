from django.urls import path

from sharecity.market.complaints import views

app_name = "complaints"
urlpatterns = [
    path("<slug:slug>/orders/<uuid:order_id>/complaint/", views.order_complaint, name="order_complaint"),
    path("<slug:slug>/complaints/", views.mine, name="mine"),
    path("<slug:slug>/complaints/<uuid:complaint_id>/<slug:action>/", views.complainant_action, name="action"),
    path("<slug:slug>/complaints/evidence/<uuid:evidence_id>/", views.evidence, name="evidence"),
    path("<slug:slug>/operator/complaints/", views.queue, name="queue"),
    path("<slug:slug>/operator/complaints/policy/", views.policy, name="policy"),
    path("<slug:slug>/operator/complaints/odr/", views.odr_commitment, name="odr"),
    path("<slug:slug>/operator/complaints/<uuid:complaint_id>/<slug:action>/", views.operator_action,
         name="operator_action"),
]
