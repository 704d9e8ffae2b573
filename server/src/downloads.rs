//! Files to download, served beside the pages (behind the same session and viewer):
//! a patient's own answers as a FHIR Bundle, each instrument as a FHIR Questionnaire, and a
//! step change's handover summary as a FHIR document Bundle.

use axum::{
    extract::{Path, Query, State},
    http::{header, StatusCode},
    response::{IntoResponse, Redirect, Response},
    routing::get,
    Extension, Router,
};
use serde::Deserialize;
use sqlx::AnyPool;
use stegvis_content::{fhir, instruments};
use stegvis_content::service::{self, Period};
use stegvis_platform::{dates, measurement, records, report, steps, CurrentViewer, Error, RequestId};

pub fn routes(pool: AnyPool) -> Router {
    Router::new()
        .route("/downloads/my-answers.json", get(my_answers))
        .route("/downloads/questionnaires/{file}", get(questionnaire))
        .route("/downloads/patients/{patient}/handovers/{file}", get(handover))
        .route("/downloads/my-record.json", get(my_record))
        .route("/downloads/report.csv", get(report_csv))
        .route("/downloads/report.json", get(report_json))
        .route("/downloads/report.fhir.json", get(report_fhir))
        .with_state(pool)
}

fn json_file(name: &str, body: String) -> Response {
    attachment("application/fhir+json; charset=utf-8", name.to_string(), body)
}

fn failed(error: Error) -> Response {
    match error {
        Error::Unauthenticated => Redirect::to("/login").into_response(),
        Error::NotFound => StatusCode::NOT_FOUND.into_response(),
        Error::Forbidden => StatusCode::FORBIDDEN.into_response(),
        other => {
            tracing::error!(error = %other, "download failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

async fn my_answers(State(pool): State<AnyPool>, Extension(viewer): Extension<CurrentViewer>) -> Response {
    let result = async {
        let viewer = viewer.0.ok_or(Error::Unauthenticated)?;
        let patient_id = viewer.membership()?.patient_id.ok_or(Error::NotFound)?;
        measurement::fhir_bundle(&pool, patient_id).await
    }
    .await;
    match result {
        Ok(bundle) => json_file("stegvis-svar.json", serde_json::to_string_pretty(&bundle).expect("a bundle serialises")),
        Err(error) => failed(error),
    }
}

#[derive(Deserialize)]
struct Lang {
    lang: Option<String>,
}

/// An instrument as the organisation has it: with its text where it has one, otherwise (a
/// licensed instrument without a pack) as a skeleton.
async fn questionnaire(State(pool): State<AnyPool>, Extension(viewer): Extension<CurrentViewer>, Path(file): Path<String>, Query(lang): Query<Lang>) -> Response {
    let result = async {
        let viewer = viewer.0.ok_or(Error::Unauthenticated)?;
        let id = file.strip_suffix(".json").ok_or(Error::NotFound)?;
        let instrument = instruments::by_id(id).ok_or(Error::NotFound)?;
        let text = measurement::text(&pool, viewer.organisation_id()?, instrument).await?;
        let locale = if lang.lang.as_deref() == Some("en") { "en" } else { "nb" };
        Ok((instrument, fhir::questionnaire(instrument, text.as_ref(), locale)))
    }
    .await;
    match result {
        Ok((instrument, q)) => json_file(&format!("{}.json", instrument.id), serde_json::to_string_pretty(&q).expect("a questionnaire serialises")),
        Err(error) => failed(error),
    }
}

/// A handover summary as a FHIR document, for staff who may see the patient (audited).
async fn handover(
    State(pool): State<AnyPool>,
    Extension(viewer): Extension<CurrentViewer>,
    Extension(request_id): Extension<RequestId>,
    Path((patient, file)): Path<(i64, String)>,
    Query(lang): Query<Lang>,
) -> Response {
    let result = async {
        let viewer = viewer.0.ok_or(Error::Unauthenticated)?;
        let change: i64 = file.strip_suffix(".json").and_then(|id| id.parse().ok()).ok_or(Error::NotFound)?;
        let access = viewer.patient(&pool, patient).await?;
        let handover = steps::handover(&pool, &access, change, &request_id.0).await?;
        let locale = lang.lang.as_deref().unwrap_or(&viewer.user.locale).to_string();
        Ok((change, steps::handover_fhir(&handover, change, &locale, &stegvis_app::handover_words(&locale))))
    }
    .await;
    match result {
        Ok((change, bundle)) => json_file(&format!("overforing-{change}.json"), serde_json::to_string_pretty(&bundle).expect("a bundle serialises")),
        Err(error) => failed(error),
    }
}

#[derive(Deserialize)]
struct PeriodQuery {
    from: Option<String>,
    to: Option<String>,
}

/// The service report of the viewer's organisation for a period (team leads, administrators).
async fn report_for(pool: &AnyPool, viewer: CurrentViewer, query: PeriodQuery, request_id: &str) -> Result<service::Report, Error> {
    let viewer = viewer.0.ok_or(Error::Unauthenticated)?;
    let default = report::last_year();
    let from = query.from.as_deref().and_then(dates::parse).unwrap_or(default.from);
    let to = query.to.as_deref().and_then(dates::parse).unwrap_or(default.to);
    report::for_viewer(pool, &viewer, Period { from: from.min(to), to: to.max(from) }, request_id).await
}

fn attachment(content_type: &str, name: String, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        body,
    )
        .into_response()
}

/// The report as CSV: one line per group and measure, suppressed cells as "<5".
async fn report_csv(State(pool): State<AnyPool>, Extension(viewer): Extension<CurrentViewer>, Extension(request): Extension<RequestId>, Query(query): Query<PeriodQuery>) -> Response {
    match report_for(&pool, viewer, query, &request.0).await {
        Ok(r) => attachment("text/csv; charset=utf-8", format!("stegvis-rapport-{}-{}.csv", dates::format(r.period.from), dates::format(r.period.to)), service::to_csv(&r)),
        Err(error) => failed(error),
    }
}

/// The report as JSON: the anonymised, suppressed figures (no person, no row per patient).
async fn report_json(State(pool): State<AnyPool>, Extension(viewer): Extension<CurrentViewer>, Extension(request): Extension<RequestId>, Query(query): Query<PeriodQuery>) -> Response {
    match report_for(&pool, viewer, query, &request.0).await {
        Ok(r) => attachment(
            "application/json; charset=utf-8",
            format!("stegvis-rapport-{}-{}.json", dates::format(r.period.from), dates::format(r.period.to)),
            serde_json::to_string_pretty(&r).expect("a report serialises"),
        ),
        Err(error) => failed(error),
    }
}

/// Everything Stegvis holds about the patient, as one JSON file.
async fn my_record(State(pool): State<AnyPool>, Extension(viewer): Extension<CurrentViewer>) -> Response {
    let result = async {
        let viewer = viewer.0.ok_or(Error::Unauthenticated)?;
        records::everything(&pool, &viewer).await
    }
    .await;
    match result {
        Ok(all) => attachment("application/json; charset=utf-8", "stegvis-mine-data.json".into(), serde_json::to_string_pretty(&all).expect("a record serialises")),
        Err(error) => failed(error),
    }
}

/// The report as a FHIR R4 MeasureReport (summary), for quality registers that take FHIR.
async fn report_fhir(State(pool): State<AnyPool>, Extension(viewer): Extension<CurrentViewer>, Extension(request): Extension<RequestId>, Query(query): Query<PeriodQuery>) -> Response {
    let organisation = viewer.0.as_ref().and_then(|v| v.membership().ok()).map(|m| m.organisation.name.clone()).unwrap_or_default();
    match report_for(&pool, viewer, query, &request.0).await {
        Ok(r) => json_file(
            &format!("stegvis-rapport-{}-{}.fhir.json", dates::format(r.period.from), dates::format(r.period.to)),
            serde_json::to_string_pretty(&service::to_fhir(&r, &organisation)).expect("a report serialises"),
        ),
        Err(error) => failed(error),
    }
}
