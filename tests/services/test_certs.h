// Test PKI made at test time with OpenSSL's C API: a CA, server and client
// certificates it signs (EC P-256, valid for a day), written as PEM files.
#ifndef LEDGER_TESTS_SERVICES_TEST_CERTS_H_
#define LEDGER_TESTS_SERVICES_TEST_CERTS_H_

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <fstream>
#include <memory>
#include <string>

namespace ledger::services::testing {

struct PemFiles {
  std::string cert;  // path
  std::string key;   // path
};

class TestCa {
 public:
  explicit TestCa(std::string dir) : dir_(std::move(dir)) {
    key_.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    cert_.reset(Make("Compact Ledger Test CA", key_.get(), /*ca=*/true, ""));
    ca_file_ = Write("ca.pem", CertPem(cert_.get()));
  }

  // The CA certificate's PEM file.
  const std::string& ca_file() const { return ca_file_; }

  // A certificate for `common_name` (with DNS:localhost and IP:127.0.0.1 for
  // a server), signed by the CA.
  PemFiles Issue(const std::string& common_name, bool server) {
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
        EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"), EVP_PKEY_free);
    std::unique_ptr<X509, decltype(&X509_free)> cert(
        Make(common_name, key.get(), /*ca=*/false,
             server ? "DNS:localhost,IP:127.0.0.1" : "DNS:" + common_name),
        X509_free);
    return {Write(common_name + ".crt", CertPem(cert.get())),
            Write(common_name + ".key", KeyPem(key.get()))};
  }

 private:
  struct KeyFree {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
  };
  struct CertFree {
    void operator()(X509* c) const { X509_free(c); }
  };

  static void AddExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
  }

  X509* Make(const std::string& common_name, EVP_PKEY* key, bool ca, const std::string& sans) {
    X509* cert = X509_new();
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), ++serial_);
    X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert), 24 * 3600);
    X509_set_pubkey(cert, key);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(common_name.c_str()), -1,
                               -1, 0);
    X509* issuer = ca ? cert : cert_.get();
    X509_set_issuer_name(cert, X509_get_subject_name(issuer));
    AddExtension(cert, issuer, NID_basic_constraints, ca ? "critical,CA:TRUE" : "CA:FALSE");
    if (ca) {
      AddExtension(cert, issuer, NID_key_usage, "critical,keyCertSign,cRLSign");
    } else {
      AddExtension(cert, issuer, NID_subject_alt_name, sans);
      AddExtension(cert, issuer, NID_ext_key_usage, "serverAuth,clientAuth");
    }
    X509_sign(cert, ca ? key : key_.get(), EVP_sha256());
    return cert;
  }

  static std::string CertPem(X509* cert) {
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(bio, cert);
    return Drain(bio);
  }
  static std::string KeyPem(EVP_PKEY* key) {
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
    return Drain(bio);
  }
  static std::string Drain(BIO* bio) {
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    std::string out(data, size);
    BIO_free(bio);
    return out;
  }
  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path) << text;
    return path;
  }

  std::string dir_;
  long serial_ = 0;
  std::unique_ptr<EVP_PKEY, KeyFree> key_;
  std::unique_ptr<X509, CertFree> cert_;
  std::string ca_file_;
};

}  // namespace ledger::services::testing

#endif  // LEDGER_TESTS_SERVICES_TEST_CERTS_H_
