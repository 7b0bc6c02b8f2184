package model_test

import (
	"slices"
	"testing"

	"github.com/aksnet/aksnet/internal/model"
)

func TestLocationString(t *testing.T) {
	for _, tc := range []struct {
		loc  model.Location
		want string
	}{
		{model.Location{File: "topology.yaml", Line: 12, Column: 7}, "topology.yaml:12:7"},
		{model.Location{File: "topology.yaml", Line: 12}, "topology.yaml:12"},
		{model.Location{File: "topology.yaml"}, "topology.yaml"},
		{model.Location{File: "topology.yaml", Column: 7}, "topology.yaml"}, // a column without a line means nothing
		{model.Location{TFAddress: "azurerm_subnet.aks"}, "azurerm_subnet.aks"},
		{model.Location{File: "plan.json", TFAddress: `module.hub.azurerm_virtual_network.this["hub"]`}, `plan.json: module.hub.azurerm_virtual_network.this["hub"]`},
		{model.Location{File: "plan.json", Line: 3, TFAddress: "azurerm_subnet.aks"}, "plan.json: azurerm_subnet.aks"},
		{model.Location{}, ""},
	} {
		if got := tc.loc.String(); got != tc.want {
			t.Errorf("%#v.String() = %q, want %q", tc.loc, got, tc.want)
		}
	}
	if !(model.Location{}).IsZero() || (model.Location{Line: 1}).IsZero() {
		t.Error("IsZero is wrong")
	}
}

func TestErrorString(t *testing.T) {
	at := model.Location{File: "t.yaml", Line: 3, Column: 5}
	for _, tc := range []struct {
		err  *model.Error
		want string
	}{
		{model.Errorf(at, "unknown vnet %q", "hbu"), `t.yaml:3:5: unknown vnet "hbu"`},
		{model.Errorf(at, "unknown vnet %q", "hbu").WithHint("did you mean %q?", "hub"), `t.yaml:3:5: unknown vnet "hbu" (did you mean "hub"?)`},
		{model.Errorf(model.Location{}, "no location").WithHint("a hint"), "no location (a hint)"},
		{model.Errorf(model.Location{File: "t.yaml"}, "the file is empty"), "t.yaml: the file is empty"},
	} {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("Error() = %q, want %q", got, tc.want)
		}
	}
}

func TestErrorList(t *testing.T) {
	var l model.ErrorList
	if l.Err() != nil {
		t.Error("empty list: Err() != nil")
	}
	l.Add(nil)
	if len(l) != 0 {
		t.Error("Add(nil) added an error")
	}
	mk := func(file string, line, col int) *model.Error {
		return model.Errorf(model.Location{File: file, Line: line, Column: col}, "e")
	}
	b3, a10, a2c9, a2c1, a2c1bis := mk("b.yaml", 3, 1), mk("a.yaml", 10, 1), mk("a.yaml", 2, 9), mk("a.yaml", 2, 1), mk("a.yaml", 2, 1)
	a2c1bis.Msg = "second"
	for _, e := range []*model.Error{b3, a10, a2c9, a2c1, a2c1bis} {
		l.Add(e)
	}
	l.Sort()
	if want := []*model.Error{a2c1, a2c1bis, a2c9, a10, b3}; !slices.Equal(l, want) {
		t.Errorf("sorted = %v, want %v", l, model.ErrorList(want))
	}
	if l.Err() == nil {
		t.Fatal("Err() = nil")
	}
	const want = "a.yaml:2:1: e\na.yaml:2:1: second\na.yaml:2:9: e\na.yaml:10:1: e\nb.yaml:3:1: e"
	if got := l.Err().Error(); got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}
