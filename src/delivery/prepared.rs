//! Load mode's deliveries, built from one template without redoing the
//! per-run work for each: the HMAC is keyed once and cloned, the header map
//! is built once and only the delivery id and signature are replaced, and
//! for `--fresh-run-id` the body is split once around the `runId` value, so
//! a new body is two copies and the run id, not a JSON parse and serialise.
//!
//! Every delivery is exactly what [`Request::redelivery`] makes (a test
//! below compares them byte for byte).

use std::io::Write;

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use super::client::header_map;
use super::request::{Request, DELIVERY_HEADER};
use crate::secret::Secret;
use crate::signature::{self, Signer, HEADER as SIGNATURE_HEADER};

/// The per-run part of load mode's deliveries.
pub struct Prepared {
    template: Request,
    /// Keyed with the secret, when there is one.
    signer: Option<Signer>,
    /// The compact body with `runId` set, split around the run id's JSON
    /// string; `None` when the body is not a JSON object (then, as in
    /// `redelivery`, the body is sent unchanged).
    split: Option<(Vec<u8>, Vec<u8>)>,
    headers: HeaderMap,
    delivery_name: Option<HeaderName>,
    /// Replaced per delivery only when signing with a secret.
    signature_name: Option<HeaderName>,
}

/// One delivery's changing parts.
pub struct Delivery {
    pub delivery_id: String,
    pub body: Bytes,
    pub signature: Option<String>,
    /// The two header values that change, ready for [`Prepared::headers`].
    delivery_value: Option<HeaderValue>,
    signature_value: Option<HeaderValue>,
}

impl Prepared {
    pub fn new(template: Request, secret: Option<&Secret>) -> Self {
        let split = match serde_json::from_slice(&template.body) {
            Ok(serde_json::Value::Object(mut map)) => {
                // Same map, same insert as `redelivery`: an existing runId
                // keeps its place, a new one goes last.
                map.insert("runId".into(), serde_json::Value::Null);
                Some(split_compact(&map))
            }
            _ => None,
        };
        let headers = header_map(&template);
        let name = |n: &str| {
            let name = HeaderName::try_from(n).expect("a valid header name");
            headers.contains_key(&name).then_some(name)
        };
        let delivery_name = name(DELIVERY_HEADER);
        let signature_name = secret.and_then(|_| name(SIGNATURE_HEADER));
        Prepared {
            signer: secret.map(|s| Signer::new(s.expose())),
            split,
            headers,
            delivery_name,
            signature_name,
            template,
        }
    }

    pub fn template(&self) -> &Request {
        &self.template
    }

    /// The next delivery: a fresh delivery id and, with `fresh_run_id`, a
    /// fresh `runId` (as `run_` and 12 hex digits).
    pub fn next(&self, fresh_run_id: bool) -> Delivery {
        let run_id = fresh_run_id.then(|| {
            let mut buf = uuid::Uuid::encode_buffer();
            let hex = uuid::Uuid::new_v4().simple().encode_lower(&mut buf);
            format!("run_{}", &hex[..12])
        });
        self.build(uuid::Uuid::new_v4().to_string(), run_id.as_deref())
    }

    /// The delivery `redelivery` would make with these ids.
    pub fn build(&self, delivery_id: String, run_id: Option<&str>) -> Delivery {
        let t = &self.template;
        let (body, signature) = match (run_id, &self.split) {
            (Some(id), Some((head, tail))) => {
                let mut body = Vec::with_capacity(head.len() + tail.len() + id.len() + 8);
                body.extend_from_slice(head);
                serde_json::to_writer(&mut body, id).expect("a string serialises");
                body.extend_from_slice(tail);
                let signature = match &self.signer {
                    Some(s) => {
                        let mut s = s.clone();
                        s.update(&body);
                        Some(signature::header_value(&s.finish()))
                    }
                    None => t.signature.clone(),
                };
                (Bytes::from(body), signature)
            }
            _ => (t.body.clone(), t.signature.clone()),
        };
        let delivery_value = self
            .delivery_name
            .as_ref()
            .and_then(|_| HeaderValue::from_str(&delivery_id).ok());
        let signature_value = match (&self.signature_name, &signature) {
            (Some(_), Some(sig)) => HeaderValue::from_str(sig).ok(),
            _ => None,
        };
        Delivery {
            delivery_id,
            body,
            signature,
            delivery_value,
            signature_value,
        }
    }

    /// A delivery's whole header map as sent (before `Host` and
    /// `Content-Length`): the run's map with the two values replaced. Made
    /// per attempt, as the HTTP layer takes the map.
    pub fn headers(&self, d: &Delivery) -> HeaderMap {
        let mut headers = self.headers.clone();
        if let (Some(name), Some(v)) = (&self.delivery_name, &d.delivery_value) {
            headers.insert(name.clone(), v.clone());
        }
        if let (Some(name), Some(v)) = (&self.signature_name, &d.signature_value) {
            headers.insert(name.clone(), v.clone());
        }
        headers
    }

    /// The full [`Request`] for a delivery (for reports that print it).
    pub fn request(&self, d: &Delivery) -> Request {
        let mut r = self.template.clone();
        r.delivery_id.clone_from(&d.delivery_id);
        r.body = d.body.clone();
        r.signature.clone_from(&d.signature);
        for (name, value) in &mut r.headers {
            if name.eq_ignore_ascii_case(DELIVERY_HEADER) {
                value.clone_from(&r.delivery_id);
            } else if name.eq_ignore_ascii_case(SIGNATURE_HEADER) && self.signer.is_some() {
                if let Some(sig) = &r.signature {
                    value.clone_from(sig);
                }
            }
        }
        r
    }
}

/// `serde_json::to_vec(map)` (compact) cut in two around `runId`'s value:
/// `{`, then each `"key":value` joined by `,`, then `}`, written piece by
/// piece with serde_json's own string and value serialisers.
fn split_compact(map: &serde_json::Map<String, serde_json::Value>) -> (Vec<u8>, Vec<u8>) {
    let (mut head, mut tail) = (b"{".to_vec(), Vec::new());
    let mut in_tail = false;
    for (i, (key, value)) in map.iter().enumerate() {
        let out = if in_tail { &mut tail } else { &mut head };
        if i > 0 {
            out.push(b',');
        }
        serde_json::to_writer(&mut *out, key).expect("a key serialises");
        out.push(b':');
        if key == "runId" {
            in_tail = true;
        } else {
            serde_json::to_writer(&mut *out, value).expect("a value serialises");
        }
    }
    let _ = tail.write_all(b"}");
    (head, tail)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::delivery::{parse_header, Signing};
    use reqwest::Url;

    fn template(body: &str, signing: &Signing<'_>) -> Request {
        let extra = vec![parse_header("X-Extra: 1").unwrap()];
        let url = Url::parse("http://127.0.0.1:9/h").unwrap();
        Request::new(url, "run.completed", body.into(), signing, None, &extra).unwrap()
    }

    fn same(a: &Request, b: &Request) {
        assert_eq!(a.body, b.body);
        assert_eq!(a.signature, b.signature);
        assert_eq!(a.delivery_id, b.delivery_id);
        assert_eq!(a.headers, b.headers);
        assert_eq!(a.raw_http(), b.raw_http());
        assert_eq!(header_map(a), header_map(b));
    }

    #[test]
    fn deliveries_equal_redelivery() {
        let s = Secret::from_flag("k", 0);
        let bodies = [
            r#"{"event":"run.completed","runId":"run_x","data":{"a":[1,2.5,-0.0,1e300]}}"#,
            "{\n  \"event\": \"x\",\n  \"s\": \"\\u00e9\\n\\\"q\\\" \\u2028 é\"\n}",
            r#"{"data":{"runId":"inner"},"z":null,"b":true}"#,
            r#"{}"#,
            r#"{"dup":1,"dup":2,"runId":7}"#,
            r#"[1,2]"#,
            "not json",
            "",
        ];
        for body in bodies {
            for signing in [
                Signing::Secret(&s),
                Signing::Value("sha256=given".into()),
                Signing::Unsigned,
            ] {
                let secret = matches!(signing, Signing::Secret(_)).then_some(&s);
                let t = template(body, &signing);
                let p = Prepared::new(t.clone(), secret);
                for run_id in [Some("run_0123456789ab"), Some("odd \"id\" é"), None] {
                    let id = uuid::Uuid::new_v4().to_string();
                    let want = {
                        // `redelivery` makes its own id; set ours in its place.
                        let mut r = t.redelivery(secret, run_id);
                        for (name, value) in &mut r.headers {
                            if name.eq_ignore_ascii_case(DELIVERY_HEADER) {
                                value.clone_from(&id);
                            }
                        }
                        r.delivery_id = id.clone();
                        r
                    };
                    let d = p.build(id, run_id);
                    let got = p.request(&d);
                    same(&got, &want);
                    assert_eq!(d.body, want.body, "{body:?} {run_id:?}");
                    assert_eq!(p.headers(&d), header_map(&want), "{body:?}");
                }
            }
        }
    }

    #[test]
    fn fresh_ids_differ() {
        let s = Secret::from_flag("k", 0);
        let p = Prepared::new(template(r#"{"a":1}"#, &Signing::Secret(&s)), Some(&s));
        let (a, b) = (p.next(true), p.next(true));
        assert_ne!(a.delivery_id, b.delivery_id);
        assert_ne!(a.body, b.body);
        assert_eq!(a.signature.unwrap(), signature::sign(&s, &a.body));
        let v: serde_json::Value = serde_json::from_slice(&b.body).unwrap();
        assert_eq!(v["runId"].as_str().unwrap().len(), 16);
    }
}
