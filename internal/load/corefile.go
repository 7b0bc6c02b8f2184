package load

import (
	"path"
	"path/filepath"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/aksnet/aksnet/internal/model"
)

// CoreDNS configuration kept as plain files next to manifests. On AKS a
// cluster's CoreDNS is the managed Corefile plus the kube-system/coredns-custom
// ConfigMap, whose keys NAME.server add server blocks and NAME.override add
// plugins to the default block (coredns-custom.md). Teams keep those keys as
// files and build the ConfigMap with
//
//	kubectl create configmap coredns-custom -n kube-system --from-file=DIR
//
// which names each key after its file. So a manifest folder's NAME.server
// and NAME.override files are read as the keys they become, and a file named
// Corefile as the server blocks it holds (key Corefile.server), unless it is
// the AKS-managed Corefile itself (it imports custom/*), which AKS resets
// and aksnet models already: that one is listed as skipped.

// corefileKey is the coredns-custom key a file named Corefile becomes.
const corefileKey = "Corefile.server"

// isCoreDNSFile reports whether a file of a manifest folder holds CoreDNS
// configuration rather than Kubernetes manifests.
func isCoreDNSFile(p string) bool {
	base := path.Base(filepath.ToSlash(p))
	if base == "Corefile" {
		return true
	}
	switch path.Ext(base) {
	case ".server", ".override":
		return len(base) > len(path.Ext(base))
	}
	return false
}

// CoreDNSFile reads a Corefile or a coredns-custom key file into objs, as a
// kube-system/coredns-custom ConfigMap located at the file, so that the
// cluster's DNS configuration includes it exactly as the ConfigMap built
// from the file would.
func CoreDNSFile(file string, data []byte, objs *model.KubeObjects) *model.Error {
	at := model.Location{File: file, Line: 1}
	base := path.Base(filepath.ToSlash(file))
	text := string(data)
	key := base
	if base == "Corefile" {
		if strings.Contains(text, "import custom/") {
			objs.Skipped = append(objs.Skipped, &model.SkippedObject{Kind: "Corefile", Namespace: "kube-system", Name: "coredns", Loc: at})
			return nil
		}
		key = corefileKey
	}
	// ConfigMap keys: alphanumerics, '-', '_' and '.' (Kubernetes
	// IsConfigMapKey); kubectl refuses other file names.
	for _, c := range key {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return model.Errorf(model.Location{File: file}, "CoreDNS file %q cannot be a coredns-custom key: %q is not allowed in a ConfigMap key", base, c).
				WithHint("rename the file with letters, digits, '-', '_' and '.' only")
		}
	}
	if !isUTF8Text(data) {
		return model.Errorf(model.Location{File: file}, "CoreDNS file %q is not UTF-8 text", base).
			WithHint("a Corefile or coredns-custom key is plain text")
	}
	cm := &corev1.ConfigMap{Data: map[string]string{key: text}}
	cm.APIVersion, cm.Kind = "v1", "ConfigMap"
	cm.Namespace, cm.Name = "kube-system", "coredns-custom"
	objs.CoreDNSCustom = append(objs.CoreDNSCustom, &model.ConfigMap{ConfigMap: cm, Loc: at})
	return nil
}

func isUTF8Text(data []byte) bool {
	return strings.ToValidUTF8(string(data), "\uFFFD") == string(data) && !strings.ContainsRune(string(data), 0)
}
