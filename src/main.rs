fn main() {
    std::process::exit(x07_topo::cli::main());
}
