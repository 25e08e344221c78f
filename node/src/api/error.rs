//! The one API error type and the handler that turns every rejection into it.
//!
//! Every failed request gets a status and the body
//! `{ "error": "<code>", "message": "<human text>" }`; the codes are stable
//! (clients branch on them), the messages are for people.

use crate::service::{ErrorClass, ServiceError};
use serde::Serialize;
use std::convert::Infallible;
use std::time::Duration;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::{Rejection, Reply};

/// An error answered to an API client.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{status} {code}: {message}")]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// A stable machine-readable code (`snake_case`).
    pub code: &'static str,
    /// What went wrong, for a person.
    pub message: String,
    /// For 429: how long to wait (sent as `Retry-After`, whole seconds).
    pub retry_after: Option<Duration>,
}

impl warp::reject::Reject for ApiError {}

/// The JSON body of every error response.
#[derive(Debug, Serialize)]
struct ErrorBody<'a> {
    error: &'a str,
    message: &'a str,
}

impl ApiError {
    /// An error with any status.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    /// 400: the request is malformed or breaks a rule.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// 401: the admin token is missing or wrong.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }

    /// 404 for a thing that does not exist (the route does).
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    /// 404 for a path no route serves.
    pub fn route_not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "route_not_found",
            "no such endpoint; the API is described at /api/v1/openapi.json",
        )
    }

    /// 405: the path exists, not with this method.
    pub fn method_not_allowed() -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "this endpoint does not accept this HTTP method",
        )
    }

    /// 409: the request conflicts with the current state.
    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, message)
    }

    /// 413: the body is over `limit` bytes.
    pub fn payload_too_large(limit: u64) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("the request body is larger than {limit} bytes"),
        )
    }

    /// 429: the client sent too many requests; `wait` until the next one.
    pub fn rate_limited(wait: Duration) -> Self {
        ApiError {
            retry_after: Some(wait),
            ..Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                "too many requests from this address; retry after the Retry-After delay",
            )
        }
    }

    /// 500: a fault on the node's side. The detail goes to the log, not the
    /// client.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!(%detail, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the node failed to handle this request; the operator can find the cause in its log",
        )
    }

    /// 503: a dependency (the store) is not available.
    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", message)
    }
}

impl Reply for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: self.code,
            message: &self.message,
        };
        let mut response =
            warp::reply::with_status(warp::reply::json(&body), self.status).into_response();
        let headers = response.headers_mut();
        if let Some(wait) = self.retry_after {
            // Round up: retrying after a truncated delay would be refused again.
            let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            headers.insert(warp::http::header::RETRY_AFTER, secs.max(1).into());
        }
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(
                warp::http::header::WWW_AUTHENTICATE,
                warp::http::HeaderValue::from_static("Bearer"),
            );
        }
        response
    }
}

impl From<ServiceError> for ApiError {
    /// The service's stable code, with the status of its class. A fault of
    /// the node itself is logged in full and answered without detail.
    fn from(e: ServiceError) -> Self {
        let status = match e.class() {
            ErrorClass::NotFound => StatusCode::NOT_FOUND,
            ErrorClass::Conflict => StatusCode::CONFLICT,
            // Well-formed but breaking the process's rules (a ballot over
            // budget, a bad signature): 422; a malformed field: 400.
            ErrorClass::Invalid => match e {
                ServiceError::InvalidInput(_) => StatusCode::BAD_REQUEST,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            },
            ErrorClass::Forbidden => StatusCode::FORBIDDEN,
            ErrorClass::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ErrorClass::Internal => {
                let internal = ApiError::internal(&e);
                return ApiError {
                    code: e.code(),
                    ..internal
                };
            }
        };
        ApiError::new(status, e.code(), e.to_string())
    }
}

/// Maps every rejection to an [`ApiError`] response. Specific errors win
/// over "not found": warp tries every route, so a rejection usually
/// combines one route's real error with the others' "not this path".
pub async fn recover(rejection: Rejection) -> Result<Response, Infallible> {
    Ok(answer(&rejection))
}

/// The response [`recover`] gives for `rejection`.
pub(crate) fn answer(rejection: &Rejection) -> Response {
    to_api_error(rejection).into_response()
}

fn to_api_error(rejection: &Rejection) -> ApiError {
    use warp::reject;
    if let Some(e) = rejection.find::<ApiError>() {
        return e.clone();
    }
    if let Some(e) = rejection.find::<warp::filters::body::BodyDeserializeError>() {
        return ApiError::bad_request("bad_json", e.to_string());
    }
    if rejection.find::<reject::PayloadTooLarge>().is_some() {
        return ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "the request body is too large",
        );
    }
    if rejection.find::<reject::LengthRequired>().is_some() {
        return ApiError::new(
            StatusCode::LENGTH_REQUIRED,
            "length_required",
            "this endpoint needs a Content-Length header",
        );
    }
    if rejection.find::<reject::UnsupportedMediaType>().is_some() {
        return ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the body as application/json",
        );
    }
    if let Some(e) = rejection.find::<reject::InvalidQuery>() {
        return ApiError::bad_request("bad_query", e.to_string());
    }
    if let Some(e) = rejection.find::<reject::InvalidHeader>() {
        return ApiError::bad_request("bad_header", e.to_string());
    }
    if let Some(e) = rejection.find::<reject::MissingHeader>() {
        return ApiError::bad_request("missing_header", e.to_string());
    }
    if rejection.find::<reject::MethodNotAllowed>().is_some() {
        return ApiError::method_not_allowed();
    }
    if rejection.is_not_found() {
        return ApiError::route_not_found();
    }
    ApiError::internal(format!("unhandled rejection: {rejection:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_is_rounded_up_to_whole_seconds() {
        let r = ApiError::rate_limited(Duration::from_millis(1500)).into_response();
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(r.headers()[warp::http::header::RETRY_AFTER], "2");
        let r = ApiError::rate_limited(Duration::from_millis(10)).into_response();
        assert_eq!(r.headers()[warp::http::header::RETRY_AFTER], "1");
    }

    #[test]
    fn service_errors_keep_their_code_with_the_status_of_their_class() {
        let cases = [
            (
                ServiceError::ProcessNotFound("x".into()),
                404,
                "process_not_found",
            ),
            (ServiceError::DuplicateBallot, 409, "duplicate_ballot"),
            (ServiceError::NotClosed, 409, "not_closed"),
            (
                ServiceError::InvalidInput("no".into()),
                400,
                "invalid_input",
            ),
            (ServiceError::InvalidSignature, 422, "invalid_signature"),
            (ServiceError::UnknownCode, 403, "unknown_code"),
            (ServiceError::IngestStopped, 503, "unavailable"),
            (
                ServiceError::Corrupt("secret path".into()),
                500,
                "corrupt_store",
            ),
        ];
        for (error, status, code) in cases {
            let api = ApiError::from(error);
            assert_eq!((api.status.as_u16(), api.code), (status, code));
        }
        // A node-side fault is not described to the client.
        let api = ApiError::from(ServiceError::Corrupt("secret path".into()));
        assert!(!api.message.contains("secret path"));
    }

    #[test]
    fn unauthorized_names_the_scheme() {
        let r = ApiError::unauthorized("no").into_response();
        assert_eq!(r.headers()[warp::http::header::WWW_AUTHENTICATE], "Bearer");
    }
}
