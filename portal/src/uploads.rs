//! Files sent through the pages (`multipart/form-data`), streamed from the
//! browser into the in-process API call, never held whole in memory.
//!
//! [`StreamedUpload`] reads the form's text fields up to its first file
//! part, checks the CSRF token (which must come before the file: every
//! form puts it first) and stops there. The handler then decides where the
//! file goes and calls [`StreamedUpload::forward`]: the file part's chunks
//! become the body of the API request, through a channel of a few chunks
//! (so a slow API holds the browser back instead of filling memory). The
//! server's global body limit does not apply (this reads the raw body);
//! the API applies its own limits (documents, archives, batches) and
//! answers 413 early. The rest of the file is then read and counted (up
//! to [`DRAIN_PAST`] past the limit) so that the page can say how big it
//! was, and so that the browser, still sending, gets the page instead of
//! a reset connection. A browser that stops sending midway makes the API
//! read an error: it aborts, and nothing is stored.

use crate::{
    api::{As, Problem, Reply},
    csrf,
    ctx::Ctx,
    forms::{PostForm, MAX_FORM},
    page::PageError,
    PortalState,
};
use atout_web::i18n::{Lang, Tr};
use axum::{
    body::Body,
    extract::{FromRequest, FromRequestParts, Request},
    http::{header, Method},
};
use bytes::Bytes;

/// How much of a refused file is still read (and counted) past its limit
/// before the page answers anyway.
pub const DRAIN_PAST: u64 = 64 * 1024 * 1024;
/// Text fields a form may have.
const MAX_FIELDS: usize = 100;
/// Chunks in flight between the browser and the API.
const CHANNEL_CHUNKS: usize = 4;

/// The file part of an upload, before its content is read.
#[derive(Debug, Clone)]
pub struct FileInfo {
    /// The name the browser gave (may be empty).
    pub name: String,
    pub content_type: Option<String>,
}

/// How much of a file was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileSize {
    pub bytes: u64,
    /// `false`: reading stopped at [`DRAIN_PAST`] past the limit; the file
    /// is larger.
    pub whole: bool,
}

struct Pending {
    field: multer::Field<'static>,
    first: Bytes,
}

/// A `multipart/form-data` form with at most one (non-empty) file,
/// CSRF-checked, whose file is still to be read. See the module's comment.
pub struct StreamedUpload {
    /// The fields before the file (after it, once [`Self::forward`] or
    /// [`Self::discard`] read them).
    pub fields: PostForm,
    /// The file, when one was chosen and is not empty.
    pub file: Option<FileInfo>,
    pending: Option<Pending>,
    multipart: Option<multer::Multipart<'static>>,
}

impl std::fmt::Debug for StreamedUpload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StreamedUpload")
            .field("file", &self.file)
            .finish_non_exhaustive()
    }
}

/// The page error for a form that cannot be read (malformed, or the
/// browser stopped sending).
pub fn unreadable() -> PageError {
    PageError::Api(Problem {
        status: 400,
        kind: "upload-unreadable".into(),
        ..Default::default()
    })
}

fn read_failed(e: &multer::Error) -> PageError {
    tracing::info!(error = %e, "an upload could not be read");
    unreadable()
}

impl FromRequest<PortalState> for StreamedUpload {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &PortalState) -> Result<Self, PageError> {
        let (mut parts, body) = req.into_parts();
        let Ok(ctx) = Ctx::from_request_parts(&mut parts, state).await;
        let boundary = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| multer::parse_boundary(v).ok())
            .ok_or_else(unreadable)?;
        let mut multipart = multer::Multipart::new(body.into_data_stream(), boundary);
        let mut fields = PostForm::default();
        let mut file = None;
        let mut pending = None;
        while let Some(mut field) = multipart.next_field().await.map_err(|e| read_failed(&e))? {
            let name = field.name().unwrap_or("").to_owned();
            if let Some(file_name) = field.file_name().map(str::to_owned) {
                // Nothing of a file is read before the form is known to
                // come from this site.
                csrf::verify(state, &ctx, fields.get(csrf::FIELD))?;
                let mut first = field.chunk().await.map_err(|e| read_failed(&e))?;
                while first.as_ref().is_some_and(Bytes::is_empty) {
                    first = field.chunk().await.map_err(|e| read_failed(&e))?;
                }
                match first {
                    // No file chosen (or an empty one): as if absent.
                    None => continue,
                    Some(first) => {
                        if file.is_some() {
                            return Err(unreadable());
                        }
                        file = Some(FileInfo {
                            name: file_name,
                            content_type: field.content_type().map(|m| m.to_string()),
                        });
                        pending = Some(Pending { field, first });
                        break;
                    }
                }
            }
            let text = read_text(&mut field).await?;
            if fields.0.len() >= MAX_FIELDS {
                return Err(PageError::TooLarge);
            }
            fields.0.push((name, text));
        }
        if pending.is_none() {
            csrf::verify(state, &ctx, fields.get(csrf::FIELD))?;
        }
        Ok(Self {
            fields,
            file,
            pending,
            multipart: Some(multipart),
        })
    }
}

/// A text field, within [`MAX_FORM`].
async fn read_text(field: &mut multer::Field<'static>) -> Result<String, PageError> {
    let mut text = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(|e| read_failed(&e))? {
        if text.len() + chunk.len() > MAX_FORM {
            return Err(PageError::TooLarge);
        }
        text.extend_from_slice(&chunk);
    }
    String::from_utf8(text).map_err(|_| unreadable())
}

impl StreamedUpload {
    /// Sends the file as the body of an API call (`POST path` with this
    /// content type, as `who`); `limit` is the most the API takes (reading
    /// goes on past it only to count). The API's answer and the file's
    /// size; a form that breaks midway is [`unreadable`] (the API saw an
    /// error and stored nothing).
    pub async fn forward(
        &mut self,
        state: &PortalState,
        ctx: &Ctx,
        who: &As,
        path: &str,
        content_type: &str,
        limit: u64,
    ) -> Result<(Reply, FileSize), PageError> {
        let Some(Pending { mut field, first }) = self.pending.take() else {
            return Err(PageError::Internal(
                "forwarding an upload without a file".into(),
            ));
        };
        let (tx, mut rx) =
            tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(CHANNEL_CHUNKS);
        // (Ends with `None` however often it is polled after the end.)
        let stream = futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx));
        let call = state.call(
            ctx,
            who,
            Method::POST,
            path,
            Body::from_stream(stream),
            Some(content_type),
        );
        let pump = async move {
            let mut read = 0u64;
            let mut next = Some(first);
            let mut sending = Some(tx);
            loop {
                let chunk = match next.take() {
                    Some(c) => Some(c),
                    None => match field.chunk().await {
                        Ok(c) => c,
                        Err(e) => {
                            if let Some(tx) = sending.take() {
                                let _ = tx
                                    .send(Err(std::io::Error::other("the upload broke off")))
                                    .await;
                            }
                            return Err(e);
                        }
                    },
                };
                let Some(chunk) = chunk else {
                    return Ok(FileSize {
                        bytes: read,
                        whole: true,
                    });
                };
                read += chunk.len() as u64;
                if let Some(tx) = &sending {
                    if tx.send(Ok(chunk)).await.is_err() {
                        // The API has answered (a refusal): only count now.
                        sending = None;
                    }
                }
                if sending.is_none() && read > limit.saturating_add(DRAIN_PAST) {
                    return Ok(FileSize {
                        bytes: read,
                        whole: false,
                    });
                }
            }
        };
        let (reply, pumped) = tokio::join!(call, pump);
        let size = pumped.map_err(|e| read_failed(&e))?;
        let reply = reply?;
        if size.whole {
            self.read_rest().await?;
        } else {
            self.multipart = None;
        }
        Ok((reply, size))
    }

    /// Reads the file into memory, when it has at most `limit` bytes (small
    /// files: a credential); else its size, counted as far as
    /// [`DRAIN_PAST`] past the limit.
    pub async fn read_file(&mut self, limit: u64) -> Result<Result<Bytes, FileSize>, PageError> {
        let Some(Pending { mut field, first }) = self.pending.take() else {
            return Ok(Ok(Bytes::new()));
        };
        let mut read = first.len() as u64;
        let mut kept = Some(first.to_vec()).filter(|_| read <= limit);
        while let Some(chunk) = field.chunk().await.map_err(|e| read_failed(&e))? {
            read += chunk.len() as u64;
            match &mut kept {
                Some(bytes) if read <= limit => bytes.extend_from_slice(&chunk),
                _ => kept = None,
            }
            if read > limit.saturating_add(DRAIN_PAST) {
                self.multipart = None;
                return Ok(Err(FileSize {
                    bytes: read,
                    whole: false,
                }));
            }
        }
        drop(field);
        self.read_rest().await?;
        Ok(match kept {
            Some(bytes) => Ok(Bytes::from(bytes)),
            None => Err(FileSize {
                bytes: read,
                whole: true,
            }),
        })
    }

    /// Reads and drops the file (a form refused before it was sent on),
    /// as far as [`DRAIN_PAST`], and the fields after it.
    pub async fn discard(&mut self) -> Result<(), PageError> {
        self.read_file(0).await.map(|_| ())
    }

    /// The fields after the file, added to [`Self::fields`].
    async fn read_rest(&mut self) -> Result<(), PageError> {
        let Some(mut multipart) = self.multipart.take() else {
            return Ok(());
        };
        while let Some(mut field) = multipart.next_field().await.map_err(|e| read_failed(&e))? {
            let name = field.name().unwrap_or("").to_owned();
            if field.file_name().is_some() {
                // A second file: one at a time.
                while let Some(chunk) = field.chunk().await.map_err(|e| read_failed(&e))? {
                    if !chunk.is_empty() {
                        return Err(unreadable());
                    }
                }
                continue;
            }
            let text = read_text(&mut field).await?;
            if self.fields.0.len() >= MAX_FIELDS {
                return Err(PageError::TooLarge);
            }
            self.fields.0.push((name, text));
        }
        Ok(())
    }
}

/// A `multipart/form-data` form with at most one file, read whole (small
/// files only: [`Upload::LIMIT`]), CSRF-checked.
#[derive(Debug, Default)]
pub struct Upload {
    pub fields: PostForm,
    pub file: Option<UploadedFile>,
    /// The file was past the limit: how big it was, and the limit.
    pub too_large: Option<(FileSize, u64)>,
}

#[derive(Debug)]
pub struct UploadedFile {
    pub name: String,
    pub content_type: Option<String>,
    pub bytes: Bytes,
}

impl FromRequest<PortalState> for Upload {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &PortalState) -> Result<Self, PageError> {
        let limit = state.app.config.body_limit_bytes as u64;
        let mut streamed = StreamedUpload::from_request(req, state).await?;
        let mut upload = Upload::default();
        match streamed.read_file(limit).await? {
            Ok(bytes) => {
                if let Some(info) = streamed.file.take() {
                    upload.file = Some(UploadedFile {
                        name: info.name,
                        content_type: info.content_type,
                        bytes,
                    });
                }
            }
            Err(size) => upload.too_large = Some((size, limit)),
        }
        upload.fields = std::mem::take(&mut streamed.fields);
        Ok(upload)
    }
}

/// A size for people: "25 Mio" / "25 MiB", one decimal when needed.
fn size_text(lang: Lang, bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    let tr = lang.tr();
    if bytes >= MIB {
        let tenths = (bytes * 10 + MIB / 2) / MIB;
        let n = if tenths.is_multiple_of(10) {
            (tenths / 10).to_string()
        } else {
            let n = format!("{}.{}", tenths / 10, tenths % 10);
            if lang == Lang::Fr {
                n.replace('.', ",")
            } else {
                n
            }
        };
        tr.arg("size-mib", "n", n)
    } else if bytes >= 1024 {
        tr.arg("size-kib", "n", bytes.div_ceil(1024).to_string())
    } else {
        tr.arg("upload-size-bytes", "n", bytes.to_string())
    }
}

/// "This file is 31 MiB; the limit is 25 MiB." ("over 25 MiB" when both
/// would read the same, or when the file was not read to its end).
pub fn too_large_message(tr: &Tr, lang: Lang, size: FileSize, limit: u64) -> String {
    let (shown, max) = (size_text(lang, size.bytes), size_text(lang, limit));
    let key = if size.whole && shown != max {
        "upload-too-large"
    } else {
        "upload-too-large-over"
    };
    tr.with(
        key,
        &[
            ("size", shown.as_str().into()),
            ("limit", max.as_str().into()),
        ],
    )
}

/// "Your documents take 480 MiB of 500 MiB: ..."
pub fn quota_message(tr: &Tr, lang: Lang, problem: &Problem) -> String {
    let get = |k: &str| problem.raw.get(k).and_then(|v| v.as_u64()).unwrap_or(0);
    tr.with(
        "upload-quota-full",
        &[
            ("used", size_text(lang, get("usedBytes")).as_str().into()),
            ("quota", size_text(lang, get("quotaBytes")).as_str().into()),
        ],
    )
}

/// The limit a 413 states (`maxBytes`), else the page's own.
pub fn stated_limit(problem: &Problem, fallback: u64) -> u64 {
    problem
        .raw
        .get("maxBytes")
        .and_then(|v| v.as_u64())
        .unwrap_or(fallback)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_write_them() {
        let mib = 1024 * 1024;
        assert_eq!(size_text(Lang::Fr, 25 * mib), "25 Mio");
        assert_eq!(size_text(Lang::En, 31 * mib + mib / 2), "31.5 MiB");
        assert_eq!(size_text(Lang::Fr, 31 * mib + mib / 2), "31,5 Mio");
        let tr = Lang::Fr.tr();
        let one_more = FileSize {
            bytes: 25 * mib + 1,
            whole: true,
        };
        assert_eq!(
            too_large_message(tr, Lang::Fr, one_more, 25 * mib),
            "Ce fichier fait plus de 25 Mio ; la limite est de 25 Mio."
        );
        let big = FileSize {
            bytes: 31 * mib,
            whole: true,
        };
        assert_eq!(
            too_large_message(tr, Lang::Fr, big, 25 * mib),
            "Ce fichier fait 31 Mio ; la limite est de 25 Mio."
        );
    }
}
