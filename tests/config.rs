//! The documented `config.toml` must hold exactly the built-in defaults.

use citemap::config::Config;

#[test]
fn config_toml_matches_the_built_in_defaults() {
    let text = std::fs::read_to_string("config.toml").expect("config.toml at the top level");
    let parsed = Config::from_toml(&text).expect("config.toml parses");
    assert_eq!(parsed, Config::default(), "config.toml and Config::default() disagree");
    // Every section, sub-section and key of the defaults is written out
    // (nothing undocumented), at any depth ([network.filters] ...).
    let defaults: toml::Table = toml::from_str(&toml::to_string(&Config::default()).unwrap()).unwrap();
    let written: toml::Table = toml::from_str(&text).unwrap();
    fn covered(defaults: &toml::Table, written: &toml::Table, at: &str) {
        for (k, v) in defaults {
            let name = if at.is_empty() { k.clone() } else { format!("{at}.{k}") };
            let w = written.get(k).unwrap_or_else(|| panic!("{name} missing from config.toml"));
            if let (Some(d), Some(w)) = (v.as_table(), w.as_table()) {
                covered(d, w, &name);
            }
        }
    }
    covered(&defaults, &written, "");
    // Every stage of the pipeline has its section.
    for section in ["network", "cluster", "naming", "metrics", "layout", "picture", "map"] {
        assert!(defaults.contains_key(section), "[{section}] missing from Config");
    }
}

#[test]
fn a_section_changes_only_its_stage() {
    let c = Config::from_toml(
        "[network]\nkind = \"coupling\"\nmax_neighbours = 0\n[network.filters]\nyear_min = 2000\n\
         [cluster]\nseed = 7\n[layout]\ncluster_separation = 1.0\n[picture]\nview = \"overlay-year\"\nengine = \"sfdp\"\n",
    )
    .expect("parses");
    let d = Config::default();
    assert_eq!(c.network.kind, Some(citemap::analysis::network::NetworkKind::Coupling));
    assert_eq!((c.network.max_neighbours, c.network.filters.year_min), (0, Some(2000)));
    assert_eq!(c.cluster.seed, 7);
    assert_eq!(c.cluster.resolution, d.cluster.resolution);
    assert_eq!(c.layout.cluster_separation, 1.0);
    assert_eq!(c.layout.seed, d.layout.seed);
    assert_eq!(c.picture.view, citemap::render::svg::View::OverlayYear);
    assert_eq!(c.picture.engine, citemap::render::Engine::Sfdp);
    assert_eq!((c.naming, c.metrics, c.map), (d.naming, d.metrics, d.map));
    assert!(Config::from_toml("[picture]\nview = \"3d\"\n").is_err());
    assert!(Config::from_toml("[network.filters]\nmin_dgree = 2\n").is_err());
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
