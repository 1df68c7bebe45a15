"""Report pages and downloads."""

from django.urls import path

from reporting import annual_views, views

app_name = "reporting"

urlpatterns = [
    path("reports/", views.reports, name="reports"),
    path("reports/<slug:name>.csv", views.report_csv, name="report_csv"),
    path("reports/ssda903/reviews.csv", views.ssda903_reviews, name="ssda903_reviews"),
    path("reports/annual/", annual_views.annual, name="annual"),
    path("reports/annual.pdf", annual_views.annual_pdf_view, name="annual_pdf"),
    path("reports/annual.docx", annual_views.annual_word, name="annual_docx"),
    path("reports/annual/<int:year>/words/<slug:section>/", annual_views.annual_words, name="annual_words"),
    # After annual/: one report to a page, by its name.
    path("reports/<slug:name>/", views.report_page, name="report"),
    path("cicc/", views.cicc, name="cicc"),
    path("cicc/you-said-we-did/<int:item_id>/edit/", views.you_said_we_did_edit_view, name="you_said_we_did_edit"),
    path(
        "cicc/you-said-we-did/<int:item_id>/withdraw/",
        views.you_said_we_did_withdraw_view,
        name="you_said_we_did_withdraw",
    ),
    path("my/you-said-we-did/", views.you_said_we_did, name="you_said_we_did"),
    path("manage/quotes/", views.quotes, name="quotes"),
    path("manage/quotes/withdraw/", views.quote_withdraw, name="quote_withdraw"),
    path("manage/access-log/", views.access_log, name="access_log"),
]
