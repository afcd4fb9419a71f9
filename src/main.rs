fn main() -> std::process::ExitCode {
    stackaudit::run::main()
}
