@testable import Governance
import KubeletModel
import RBAC
import Testing

/// The control-plane identities are named once in KubeletModel (which stands below RBAC) and
/// once in RBAC; KA070 and the KA014–KA016 messages must agree with the authorizer.
@Suite("Control-plane access")
struct ControlPlaneAccessTests {
    @Test("the group the authorizer lets through before RBAC is the group KA070 and the kubelet-client facts name")
    func oneMastersGroup() {
        #expect(APIServerKubeletClient.mastersGroup == UserInfo.mastersGroup)
        #expect(Set(APIServerKubeletClient.legacyCertificateGroups) == Set(ControlPlaneAccess.adminGroups.keys))
    }

    @Test("the admin groups and the named kubelet client are control-plane access; other subjects are not")
    func roles() {
        for group in APIServerKubeletClient.legacyCertificateGroups {
            #expect(ControlPlaneAccess.role(of: SubjectKey(kind: Subject.groupKind, name: group), apiServerKubeletClient: "x") != nil)
        }
        #expect(ControlPlaneAccess.role(of: SubjectKey(kind: Subject.userKind, name: "apiserver-kc"), apiServerKubeletClient: "apiserver-kc") != nil)
        #expect(ControlPlaneAccess.role(of: SubjectKey(kind: Subject.userKind, name: APIServerKubeletClient.kubeadmUser), apiServerKubeletClient: "apiserver-kc") == nil)
        #expect(ControlPlaneAccess.role(of: SubjectKey(kind: Subject.groupKind, name: "system:authenticated"), apiServerKubeletClient: "x") == nil)
    }
}
