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
