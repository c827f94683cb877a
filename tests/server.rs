//! The hardened Express fixture API, started for real on 127.0.0.1 with a real
//! database (PGlite: Postgres in WebAssembly, in process, through Drizzle):
//! a bad body now gets 400 and is not stored, malformed JSON gets 400, a
//! good body still succeeds and is stored, and lists come one page at a time.

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// One HTTP/1.1 request; (status, body).
fn request(port: u16, method: &str, path: &str, body: Option<&str>) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(20)))?;
    let body = body.unwrap_or("");
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let status = response.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = response.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    // Chunked bodies: keep it simple, the JSON is in there.
    Ok((status, body.to_string()))
}

#[test]
fn hardened_express_api_rejects_bad_bodies_and_stores_good_ones() {
    let node_modules = dependencies();
    let copy = copy_fixture("express-drizzle");
    std::os::unix::fs::symlink(&node_modules, copy.root.join("node_modules")).expect("link node_modules");
    // A small maximum page size, to see the clamp with a few rows.
    std::fs::write(copy.root.join("harden.toml"), "[pagination]\npage-size = 2\nmax-page-size = 3\n")
        .expect("write");
    let out = run(&["apply", "--yes"], &copy.root);
    assert!(out.status.success(), "{}", stderr(&out));
    let hardened = std::fs::read_to_string(copy.root.join("src/index.ts")).expect("read");
    assert!(hardened.contains("CreateTodoBody.safeParse(req.body)"), "{hardened}");

    let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("free port").port();
    let child = Command::new("node")
        .current_dir(&copy.root)
        .arg(node_modules.join("tsx/dist/cli.mjs"))
        .arg("src/index.ts")
        .env("PORT", port.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node starts");
    let mut server = Server(child);
    let started = Instant::now();
    while request(port, "GET", "/todos", None).is_err() {
        if let Ok(Some(status)) = server.0.try_wait() {
            let mut err = String::new();
            if let Some(mut e) = server.0.stderr.take() {
                let _ = e.read_to_string(&mut err);
            }
            panic!("the API exited ({status}): {err}");
        }
        assert!(started.elapsed() < Duration::from_secs(60), "the API did not start");
        std::thread::sleep(Duration::from_millis(200));
    }

    // A title that is not a string: 400 with the issue named, nothing stored.
    let (status, body) = request(port, "POST", "/todos", Some(r#"{"title": 42}"#)).expect("request");
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("title"), "{body}");
    // `done` is a boolean column (Drizzle): a string is refused.
    let (status, body) =
        request(port, "POST", "/todos", Some(r#"{"title": "x", "done": "yes"}"#)).expect("request");
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("done"), "{body}");
    // Malformed JSON: 400 too, not a 500.
    let (status, body) = request(port, "POST", "/todos", Some("{not json")).expect("request");
    assert_eq!(status, 400, "{body}");
    // A good body still works and is stored.
    let (status, body) =
        request(port, "POST", "/todos", Some(r#"{"title": "  Buy milk "}"#)).expect("request");
    assert_eq!(status, 201, "{body}");
    assert!(body.contains(r#""title":"Buy milk""#), "{body}");
    let (status, body) = request(port, "GET", "/todos", None).expect("request");
    assert_eq!(status, 200);
    assert!(body.contains("Buy milk") && !body.contains(r#""title":42"#), "{body}");
    assert!(hardened.contains(".limit(pageSize).offset(page * pageSize)"), "{hardened}");
    let stored = body.matches(r#""id":"#).count();
    assert_eq!(stored, 1, "exactly the good todo is stored: {body}");

    // Pagination: five todos, pages of two (counted from 0), and a huge page size clamped to three.
    for title in ["second", "third", "fourth", "fifth"] {
        let (status, body) =
            request(port, "POST", "/todos", Some(&format!(r#"{{"title": "{title}"}}"#))).expect("request");
        assert_eq!(status, 201, "{body}");
    }
    let (status, body) = request(port, "GET", "/todos?page=1&pageSize=2", None).expect("request");
    assert_eq!(status, 200, "{body}");
    assert!(
        body.contains("third")
            && body.contains("fourth")
            && !body.contains("Buy milk")
            && !body.contains("fifth"),
        "{body}"
    );
    let (_, body) = request(port, "GET", "/todos", None).expect("request");
    assert_eq!(body.matches(r#""id":"#).count(), 2, "the default page size: {body}");
    let (_, body) = request(port, "GET", "/todos?pageSize=100000", None).expect("request");
    assert_eq!(body.matches(r#""id":"#).count(), 3, "clamped to max-page-size: {body}");
}
