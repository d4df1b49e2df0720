//! The documented `config.toml` must hold exactly the built-in defaults.

use citemap::config::Config;

#[test]
fn config_toml_matches_the_built_in_defaults() {
    let text = std::fs::read_to_string("config.toml").expect("config.toml at the top level");
    let parsed = Config::from_toml(&text).expect("config.toml parses");
    assert_eq!(parsed, Config::default(), "config.toml and Config::default() disagree");
    // Every section and key of the defaults is written out (nothing undocumented).
    let defaults: toml::Table = toml::from_str(&toml::to_string(&Config::default()).unwrap()).unwrap();
    let written: toml::Table = toml::from_str(&text).unwrap();
    for (section, keys) in &defaults {
        let w =
            written.get(section).unwrap_or_else(|| panic!("section [{section}] missing from config.toml"));
        if let (Some(keys), Some(w)) = (keys.as_table(), w.as_table()) {
            for k in keys.keys() {
                assert!(w.contains_key(k), "{section}.{k} missing from config.toml");
            }
        }
    }
}

#[test]
fn unknown_keys_are_rejected() {
    assert!(Config::from_toml("[resolve]\ntitle_similarty = 0.5\n").is_err());
}

#[test]
fn config_defaults_prints_the_documented_defaults_even_beside_a_broken_config() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A config.toml that does not parse: `--defaults` does not need it.
    std::fs::write(dir.path().join("config.toml"), "[resolve]\ntitle_similarty = 0.5\n").expect("write");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_citemap"))
        .current_dir(dir.path())
        .args(["config", "--defaults"])
        .output()
        .expect("citemap runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let printed = String::from_utf8(o.stdout).expect("UTF-8");
    let file = std::fs::read_to_string("config.toml").expect("config.toml at the top level");
    assert_eq!(printed, file);
    assert_eq!(Config::from_toml(&printed).expect("parses"), Config::default());
    // Without --defaults the broken file is a usage error, and the effective
    // configuration of a valid file reads back as that configuration.
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_citemap"))
        .current_dir(dir.path())
        .arg("config")
        .output()
        .expect("citemap runs");
    assert_eq!(o.status.code(), Some(2));
    std::fs::write(dir.path().join("config.toml"), "[map]\nmax_drawn = 7\n").expect("write");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_citemap"))
        .current_dir(dir.path())
        .arg("config")
        .output()
        .expect("citemap runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let effective = Config::from_toml(&String::from_utf8_lossy(&o.stdout)).expect("parses");
    let mut expected = Config::default();
    expected.map.max_drawn = 7;
    assert_eq!(effective, expected);
}
