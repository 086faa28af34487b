fn main() -> anyhow::Result<()> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf();
    for f in close_sdk_gen::generate(&root)? {
        std::fs::write(root.join(&f.path), f.contents)?;
    }
    Ok(())
}
