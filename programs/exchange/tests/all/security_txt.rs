//! Both deployed programs carry a `security.txt` section (neodyme-labs' format) that explorers
//! read: its fields are found in the built `.so`, with the ones the format requires.

/// The `security.txt` fields of the program `name`, read from its built `.so`.
fn fields(name: &str) -> Vec<(String, String)> {
    let so = std::fs::read(agx_sdk::program_dir().join(format!("{name}.so"))).expect("built program");
    let begin = b"=======BEGIN SECURITY.TXT V1=======\0";
    let end = b"=======END SECURITY.TXT V1=======\0";
    let at = so.windows(begin.len()).position(|w| w == begin).expect("a security.txt section") + begin.len();
    let len = so[at..].windows(end.len()).position(|w| w == end).expect("its end");
    let parts: Vec<String> =
        so[at..at + len].split(|b| *b == 0).map(|p| String::from_utf8(p.to_vec()).unwrap()).collect();
    // key \0 value \0 ... (the last split is the empty tail after the final \0)
    parts.chunks(2).filter(|kv| kv.len() == 2).map(|kv| (kv[0].clone(), kv[1].clone())).collect()
}

#[test]
fn both_programs_say_whom_to_tell_about_a_flaw() {
    for (program, title) in [("agent_registry", "agent registry"), ("exchange", "exchange")] {
        let fields = fields(program);
        let get = |k: &str| fields.iter().find(|(key, _)| key == k).map(|(_, v)| v.as_str());
        assert_eq!(get("name"), Some(format!("Agent Exchange {title}").as_str()));
        for required in ["project_url", "contacts", "policy"] {
            assert!(get(required).is_some_and(|v| !v.is_empty()), "{program}: {required} in {fields:?}");
        }
        assert!(get("contacts").unwrap().starts_with("email:"), "{program}: a contact a tool can use");
        assert!(get("policy").unwrap().contains("SECURITY.md"));
    }
}
