"""Complaint pages: the child's own, and the managers' register."""

from django.urls import path

from complaints import views

app_name = "complaints"

urlpatterns = [
    path("my/complaints/", views.my_complaints, name="mine"),
    path("my/complaints/<id:complaint_id>/next-stage/", views.my_escalate, name="my_escalate"),
    path("manage/complaints/", views.register, name="register"),
    path("manage/complaints/new/", views.record, name="record"),
    path("manage/complaints/<id:complaint_id>/", views.detail, name="manage_detail"),
    path("manage/complaints/<id:complaint_id>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("manage/complaints/<id:complaint_id>/stage-1/extend/", views.extend_stage1, name="stage1_extend"),
    path("manage/complaints/<id:complaint_id>/stage-1/answer/", views.respond_stage1, name="stage1_respond"),
    path("manage/complaints/<id:complaint_id>/stage-2/", views.request_stage2, name="stage2_request"),
    path("manage/complaints/<id:complaint_id>/stage-2/extend/", views.extend_stage2, name="stage2_extend"),
    path("manage/complaints/<id:complaint_id>/stage-2/answer/", views.respond_stage2, name="stage2_respond"),
    path("manage/complaints/<id:complaint_id>/stage-3/", views.request_stage3, name="stage3_request"),
    path("manage/complaints/<id:complaint_id>/stage-3/panel/", views.panel_held, name="stage3_panel_held"),
    path("manage/complaints/<id:complaint_id>/stage-3/answer/", views.respond_stage3, name="stage3_respond"),
    path("manage/complaints/<id:complaint_id>/withdraw/", views.withdraw, name="withdraw"),
]
