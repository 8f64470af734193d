package dataset

import (
	"reflect"
	"testing"

	"github.com/mel-des/mel-des/param"
)

func TestSyntheticSource(t *testing.T) {
	c := Config{Source: "synthetic", Params: param.Values{"synthetic_train": int64(40), "synthetic_test": int64(15),
		"synthetic_dim": int64(6), "synthetic_classes": int64(3)}}
	if !c.Seeded() {
		t.Error("synthetic is not Seeded")
	}
	src, err := c.Open()
	if err != nil {
		t.Fatal(err)
	}
	want := Info{Train: 40, Test: 15, Features: 6, Classes: 3}
	if src.Info() != want {
		t.Errorf("Info = %+v, want %+v", src.Info(), want)
	}
	train, test, err := src.Load(7)
	if err != nil {
		t.Fatal(err)
	}
	if train.N != 40 || test.N != 15 || train.Dim != 6 || test.Dim != 6 || train.Classes != 3 || test.Classes != 3 {
		t.Errorf("loaded N %d/%d, Dim %d/%d, Classes %d/%d; Info says %+v", train.N, test.N, train.Dim, test.Dim, train.Classes, test.Classes, want)
	}
	if err := train.Validate(); err != nil {
		t.Errorf("train: %v", err)
	}
	if err := test.Validate(); err != nil {
		t.Errorf("test: %v", err)
	}
	again, againTest, _ := src.Load(7)
	if !reflect.DeepEqual(train, again) || !reflect.DeepEqual(test, againTest) {
		t.Error("the same seed gave other data")
	}
	other, _, _ := src.Load(8)
	if reflect.DeepEqual(train.X, other.X) {
		t.Error("another seed gave the same features")
	}
	// The test samples are not the training samples: they follow them in the stream.
	if reflect.DeepEqual(train.X[:6*15], test.X) {
		t.Error("the test set repeats the first training samples")
	}
}

func TestSyntheticDefaults(t *testing.T) {
	src, err := Config{Source: "synthetic"}.Open()
	if err != nil {
		t.Fatal(err)
	}
	if want := (Info{Train: 6000, Test: 1000, Features: 64, Classes: 10}); src.Info() != want {
		t.Errorf("Info = %+v, want %+v", src.Info(), want)
	}
}
