# Sourced by the Go interoperability tests: builds one Go program offline,
# in GOPATH mode against the local golang.org/x/mod sources
# (GO111MODULE=off, GOPROXY=off, GOFLAGS= and GOTOOLCHAIN=local, so no module
# or toolchain is ever downloaded).
#
# build_go_program SOURCE OUTPUT GOPATH BUILD_DIR (GO: the go command to use)
build_go_program() {
  local source=$1 output=$2 gopath=$3 build_dir=$4
  mkdir -p "$build_dir/gocache"
  env GO111MODULE=off GOPATH="$gopath" GOCACHE="$build_dir/gocache" \
      GOPROXY=off GOFLAGS= GOTOOLCHAIN=local GOENV=off CGO_ENABLED=0 \
      "${GO:-go}" build -o "$output" "$source"
}
